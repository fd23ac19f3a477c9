import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useDeferredValue, useState } from "react";
import { Link } from "react-router-dom";
import { api, unwrap, type Schemas } from "../api/client";
import { Loadable } from "../components/Loadable";
import { Pager } from "../components/Pager";
import { categoryName } from "../tutor/categories";
import { BRAIN_EVENT_LABELS, formatWhen } from "./labels";
import { RetryButton } from "./MonitorQueue";
import { ADMIN_KEY } from "./queries";
import { StageBar, StageLegend } from "./StageBar";
import { stagesOf } from "./stages";

const PAGE = 10;
type Turn = Schemas["TurnPublic"];
type Analysis = Schemas["TurnAnalysis"];

const PERIODS: Record<string, { label: string; days: number | null }> = {
  all: { label: "За всё время", days: null },
  day: { label: "За сутки", days: 1 },
  week: { label: "За 7 дней", days: 7 },
  month: { label: "За 30 дней", days: 30 },
};

type Filters = { student: string; period: string; pipeline: "" | "streaming" | "analysis"; offset: number };

const STATUS_LABELS: Record<Analysis["status"], string> = {
  done: "Разобрано",
  queued: "В очереди",
  failed: "Сбой",
};

/** Recent lessons of every student; one opened shows its turns and their analysis. */
export function MonitorLessons() {
  const [filters, setFilters] = useState<Filters>({ student: "", period: "all", pipeline: "", offset: 0 });
  const [open, setOpen] = useState<number | null>(null);
  const student = useDeferredValue(filters.student.trim());
  const set = (changes: Partial<Filters>) => setFilters((current) => ({ ...current, offset: 0, ...changes }));
  const days = PERIODS[filters.period]?.days ?? null;
  // The period's start, to the minute: the query's key stays put while the screen is open.
  const since = days === null ? null
    : new Date(Math.floor(Date.now() / 60_000) * 60_000 - days * 86_400_000).toISOString();
  const lessons = useQuery({
    queryKey: [...ADMIN_KEY, "tutor-lessons", { ...filters, student, since }],
    queryFn: () => unwrap(api.GET("/api/admin/tutor/lessons", {
      params: {
        query: {
          limit: PAGE, offset: filters.offset,
          ...(student ? { student } : {}), ...(since ? { since } : {}),
          ...(filters.pipeline ? { pipeline: filters.pipeline } : {}),
        },
      },
    })),
    placeholderData: keepPreviousData,
  });
  return (
    <section className="card" aria-labelledby="lessons-title">
      <h2 id="lessons-title">Последние уроки</h2>
      <form className="filters monitor-filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <div className="field field-wide">
          <label htmlFor="lesson-student">Ученик</label>
          <input
            id="lesson-student"
            type="search"
            placeholder="Имя, email или номер"
            value={filters.student}
            maxLength={100}
            onChange={(event) => set({ student: event.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor="lesson-period">Период</label>
          <select id="lesson-period" value={filters.period} onChange={(event) => set({ period: event.target.value })}>
            {Object.entries(PERIODS).map(([key, { label }]) => <option key={key} value={key}>{label}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="lesson-pipeline">Конвейер</label>
          <select
            id="lesson-pipeline"
            value={filters.pipeline}
            onChange={(event) => set({ pipeline: event.target.value as Filters["pipeline"] })}
          >
            <option value="">Все уроки</option>
            <option value="streaming">С разговором</option>
            <option value="analysis">С разбором</option>
          </select>
        </div>
      </form>
      <Loadable query={lessons} loading="Загружаем уроки…">
        {({ items, total }) => total === 0 ? <p className="muted">Уроков не найдено.</p> : (
          <>
            <ul className="plain-list" aria-label="Уроки">
              {items.map((lesson) => (
                <li key={lesson.id}>
                  <div className="section-head">
                    <strong>
                      Урок {lesson.number} · <Link to={`/admin/users/${lesson.student.id}`}>{lesson.student.name}</Link>
                    </strong>
                    <button
                      type="button"
                      className="btn btn-ghost"
                      aria-expanded={open === lesson.id}
                      onClick={() => setOpen(open === lesson.id ? null : lesson.id)}
                    >
                      {open === lesson.id ? "Скрыть" : "Реплики и разбор"}
                    </button>
                  </div>
                  <span className="meta">
                    {lesson.student.email} · {formatWhen(lesson.started_at)} · реплик: {lesson.turn_count}
                    {" "}· разобрано: {lesson.analysed_turns}{lesson.status === "active" ? " · идёт сейчас" : ""}
                  </span>
                  {open === lesson.id && <LessonTurns lessonId={lesson.id} />}
                </li>
              ))}
            </ul>
            <Pager
              offset={filters.offset}
              pageSize={PAGE}
              total={total}
              onChange={(offset) => setFilters((current) => ({ ...current, offset }))}
            />
          </>
        )}
      </Loadable>
    </section>
  );
}

type Exchange = { said?: Turn; reply?: Turn; analysis?: Analysis };

/** Each student turn with the reply to it: the stages are split between the two rows. */
function exchanges(turns: Turn[], analyses: Analysis[]): Exchange[] {
  const byTurn = new Map(analyses.map((analysis) => [analysis.turn_id, analysis]));
  const result: Exchange[] = [];
  for (const turn of turns) {
    const last = result.at(-1);
    if (turn.role === "student") result.push({ said: turn, analysis: byTurn.get(turn.id) });
    else if (turn.role === "tutor" && last && !last.reply) last.reply = turn;
    else result.push({ reply: turn });
  }
  return result;
}

function LessonTurns({ lessonId }: { lessonId: number }) {
  const lesson = useQuery({
    queryKey: [...ADMIN_KEY, "tutor-lesson", lessonId],
    queryFn: () => unwrap(api.GET("/api/admin/tutor/lessons/{lesson_id}", {
      params: { path: { lesson_id: lessonId } },
    })),
    // While the brain still works on a turn, its result is looked for again.
    refetchInterval: (query) =>
      query.state.data?.analyses.some((analysis) => analysis.status === "queued") ? 3_000 : false,
  });
  return (
    <Loadable query={lesson} loading="Загружаем реплики…">
      {({ turns, analyses }) => {
        const rows = exchanges(turns, analyses).map((row) => ({
          ...row, timings: { ...row.said?.timings, ...row.reply?.timings },
        }));
        if (rows.length === 0) return <p className="muted">В уроке нет реплик.</p>;
        const scale = Math.max(...rows.map((row) => stagesOf(row.timings).totalMs));
        return (
          <div className="lesson-turns">
            <ol className="plain-list" aria-label="Реплики урока">
              {rows.map((row, index) => (
                <li key={row.said?.id ?? row.reply?.id ?? index} className="exchange">
                  {row.said && <p><span className="who">Ученик</span> {row.said.text}</p>}
                  {row.reply && (
                    <p>
                      <span className="who">Репетитор</span> {row.reply.text}
                      {row.reply.interrupted && <span className="meta"> (перебит)</span>}
                    </p>
                  )}
                  <StageBar timings={row.timings} scaleMs={scale} />
                  {row.analysis && <AnalysisResult analysis={row.analysis} />}
                </li>
              ))}
            </ol>
            {scale > 0 && <StageLegend />}
          </div>
        );
      }}
    </Loadable>
  );
}

function AnalysisResult({ analysis }: { analysis: Analysis }) {
  const kinds = new Map<string, number>();
  for (const event of analysis.events) kinds.set(event.kind, (kinds.get(event.kind) ?? 0) + 1);
  return (
    <div className={`analysis analysis-${analysis.status}`}>
      <span className={`analysis-status status-${analysis.status}`}>Анализ: {STATUS_LABELS[analysis.status]}</span>
      {analysis.findings.length > 0 && (
        <ul className="findings">
          {analysis.findings.map((finding) => (
            <li key={`${finding.start}-${finding.original}`}>
              <s>{finding.original}</s> → <strong>{finding.correction}</strong>
              <span className="meta"> · {categoryName(finding.category)}
                {finding.pipeline === "analysis" ? " · глубокий разбор" : ""}</span>
            </li>
          ))}
        </ul>
      )}
      {kinds.size > 0 && (
        <span className="timings" aria-label="События мозга">
          {[...kinds].map(([kind, count]) => (
            <span key={kind} className="timing">
              {BRAIN_EVENT_LABELS[kind as keyof typeof BRAIN_EVENT_LABELS] ?? kind}{count > 1 ? ` ×${count}` : ""}
            </span>
          ))}
        </span>
      )}
      {analysis.failed_job && (
        <div className="failed-job">
          <code className="job-error">{analysis.failed_job.error}</code>
          <RetryButton jobId={analysis.failed_job.id} />
        </div>
      )}
    </div>
  );
}
