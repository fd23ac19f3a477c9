import { useMutation, useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../api/client";

export type LessonOutcome = Schemas["LessonOutcome"];
export type EndedLesson = Schemas["LessonPublic"];

/** How long the page waits for the brain's summary of an ended lesson, asking every second. */
const OUTCOME_POLLS = 30;

/**
 * The student's open lesson with its turns, typed and spoken, when the page opened: to pick
 * up after a reload. Asked once; lessons started later are the page's own.
 */
export function useOpenLesson() {
  const open = useQuery({
    queryKey: ["tutor", "open-lesson"],
    queryFn: () => unwrap(api.GET("/api/tutor/lessons/open")),
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
  return { lesson: open.data ?? null, settled: !open.isPending };
}

export function useEndLesson(onEnded: (lesson: EndedLesson) => void) {
  return useMutation({
    mutationFn: (lessonId: number) =>
      unwrap(api.POST("/api/tutor/lessons/{lesson_id}/end", {
        params: { path: { lesson_id: lessonId } },
      })),
    onSuccess: onEnded,
  });
}

/** What an ended lesson gave; asked again each second until the brain has summarised it. */
export function useLessonOutcome(lessonId: number) {
  return useQuery({
    queryKey: ["tutor", "lesson-outcome", lessonId],
    queryFn: () =>
      unwrap(api.GET("/api/progress/lessons/{lesson_id}", {
        params: { path: { lesson_id: lessonId } },
      })),
    refetchInterval: (query) =>
      query.state.data?.ready || query.state.dataUpdateCount >= OUTCOME_POLLS ? false : 1000,
  });
}
