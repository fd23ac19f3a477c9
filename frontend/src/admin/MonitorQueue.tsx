import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { RotateCcw } from "lucide-react";
import { api, unwrap, type Schemas } from "../api/client";
import { ErrorMessage } from "../components/ErrorMessage";
import { Loadable } from "../components/Loadable";
import { formatWhen } from "./labels";
import { ADMIN_KEY } from "./queries";

export const JOBS_KEY = [...ADMIN_KEY, "jobs"] as const;
const QUEUE_POLL_MS = 5_000;

export const JOB_LABELS: Record<string, string> = {
  analyse_turn: "Разбор реплики",
  summarise_lesson: "Итоги урока",
};

function describeArgs(args: Record<string, unknown>): string {
  const names: Record<string, string> = { turn_id: "реплика", lesson_id: "урок" };
  return Object.entries(args).map(([key, value]) => `${names[key] ?? key} ${String(value)}`)
    .join(", ");
}

/** The analysis queue's depth and the jobs that failed after their last try. */
export function MonitorQueue() {
  const queue = useQuery({
    queryKey: [...JOBS_KEY, "queue"],
    queryFn: () => unwrap(api.GET("/api/admin/jobs/queue")),
    refetchInterval: QUEUE_POLL_MS,
  });
  const failed = useQuery({
    queryKey: [...JOBS_KEY, "failed"],
    queryFn: () => unwrap(api.GET("/api/admin/jobs/failed", { params: { query: { limit: 50 } } })),
    refetchInterval: QUEUE_POLL_MS * 2,
  });
  return (
    <section className="card" aria-labelledby="queue-title">
      <div className="section-head">
        <h2 id="queue-title">Очередь анализа</h2>
        <Loadable query={queue} loading="…">
          {({ depth, runner }) => (
            <span className="queue-depth">
              {depth === null ? "Redis не отвечает" : `В очереди: ${depth}`}
              <span className="meta"> · {runner === "redis" ? "Redis и воркер" : "в процессе приложения"}</span>
            </span>
          )}
        </Loadable>
      </div>
      <Loadable query={failed} loading="Загружаем сбои…">
        {(jobs) => jobs.length === 0 ? <p className="muted">Сбоев нет.</p> : (
          <ul className="plain-list" aria-label="Сбои задач">
            {jobs.map((job) => <FailedJob key={job.id} job={job} />)}
          </ul>
        )}
      </Loadable>
    </section>
  );
}

export function FailedJob({ job }: { job: Schemas["FailedJobPublic"] }) {
  return (
    <li className="failed-job">
      <div className="section-head">
        <strong>{JOB_LABELS[job.name] ?? job.name}</strong>
        <RetryButton jobId={job.id} />
      </div>
      <span className="meta">
        {describeArgs(job.args)} · попыток: {job.attempts} · {formatWhen(job.failed_at)}
      </span>
      <code className="job-error">{job.error}</code>
    </li>
  );
}

/** «Повторить»: the job is queued again; the list and the lesson's analysis follow. */
export function RetryButton({ jobId }: { jobId: number }) {
  const queryClient = useQueryClient();
  const retry = useMutation({
    mutationFn: () => unwrap(api.POST("/api/admin/jobs/failed/{job_id}/retry", {
      params: { path: { job_id: jobId } },
    })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ADMIN_KEY }),
  });
  return (
    <div className="retry">
      <button
        type="button"
        className="btn btn-ghost"
        disabled={retry.isPending || retry.isSuccess}
        onClick={() => retry.mutate()}
      >
        <RotateCcw size={16} aria-hidden="true" /> {retry.isSuccess ? "Поставлено в очередь" : "Повторить"}
      </button>
      {retry.isError && <ErrorMessage>{retry.error.message}</ErrorMessage>}
    </div>
  );
}
