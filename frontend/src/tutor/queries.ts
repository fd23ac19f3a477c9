import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef } from "react";
import { api, unwrap } from "../api/client";

/** Lessons and everything they change: history, progress. */
export const LESSONS_KEY = ["tutor", "lessons"] as const;
const RECENT_LESSONS = 10;

function useLessons() {
  return useQuery({
    queryKey: LESSONS_KEY,
    queryFn: () =>
      unwrap(api.GET("/api/tutor/lessons", { params: { query: { limit: RECENT_LESSONS } } })),
  });
}

/**
 * The lesson still going when the page opened (the newest one, if active) with its turns:
 * to pick up after a reload. Asked once; lessons started later are the page's own.
 */
export function useLessonToResume() {
  const lessons = useLessons();
  const first = useRef<number | null | undefined>(undefined);
  if (first.current === undefined && lessons.isSuccess) {
    const newest = lessons.data.items[0];
    first.current = newest?.status === "active" ? newest.id : null;
  }
  if (first.current === undefined && lessons.isError) first.current = null;
  const resumeId = first.current ?? null;
  const detail = useQuery({
    queryKey: ["tutor", "lesson", resumeId],
    queryFn: () =>
      unwrap(api.GET("/api/tutor/lessons/{lesson_id}", {
        params: { path: { lesson_id: resumeId ?? 0 } },
      })),
    enabled: resumeId !== null,
    staleTime: Infinity,
  });
  const settled = first.current !== undefined && (resumeId === null || !detail.isPending);
  return { lesson: detail.data ?? null, settled };
}

export function useEndLesson(onEnded: () => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (lessonId: number) =>
      unwrap(api.POST("/api/tutor/lessons/{lesson_id}/end", {
        params: { path: { lesson_id: lessonId } },
      })),
    onSuccess: onEnded,
    onSettled: () => queryClient.invalidateQueries({ queryKey: LESSONS_KEY }),
  });
}
