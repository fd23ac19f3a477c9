import { useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../api/client";

export type Progress = Schemas["ProgressPublic"];
export type LessonSummary = Schemas["LessonSummaryPublic"];
export type WeakWord = Schemas["WeakWordPublic"];
export type Totals = Schemas["ProgressTotals"];

export function useProgress() {
  return useQuery({
    queryKey: ["progress"],
    queryFn: () => unwrap(api.GET("/api/progress/progress")),
  });
}
