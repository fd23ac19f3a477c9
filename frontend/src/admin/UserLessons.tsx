import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap } from "../api/client";
import { Loadable } from "../components/Loadable";
import { Pager } from "../components/Pager";
import { formatWhen } from "./labels";
import { ADMIN_KEY } from "./queries";

const LESSONS_PAGE = 10;
const TURN_ROLES: Record<string, string> = { student: "Ученик", tutor: "Репетитор", system: "Система" };

/** The student's lessons; one opened shows its turns with each stage's milliseconds. */
export function UserLessons({ userId }: { userId: number }) {
  const [offset, setOffset] = useState(0);
  const [open, setOpen] = useState<number | null>(null);
  const lessons = useQuery({
    queryKey: [...ADMIN_KEY, "lessons", userId, offset],
    queryFn: () => unwrap(api.GET("/api/admin/users/{user_id}/lessons", {
      params: { path: { user_id: userId }, query: { limit: LESSONS_PAGE, offset } },
    })),
    placeholderData: keepPreviousData,
  });
  return (
    <section className="card" aria-labelledby="lessons-title">
      <h2 id="lessons-title">Уроки</h2>
      <Loadable query={lessons} loading="Загружаем уроки…">
        {({ items, total }) => total === 0 ? <p>Уроков ещё не было.</p> : (
          <>
            <ul className="plain-list">
              {items.map((lesson) => (
                <li key={lesson.id}>
                  <div className="section-head">
                    <strong>Урок {lesson.number}</strong>
                    <button
                      type="button"
                      className="btn btn-ghost"
                      aria-expanded={open === lesson.id}
                      onClick={() => setOpen(open === lesson.id ? null : lesson.id)}
                    >
                      {open === lesson.id ? "Скрыть реплики" : "Реплики и задержки"}
                    </button>
                  </div>
                  <span className="meta">
                    {formatWhen(lesson.started_at)} · реплик: {lesson.turn_count} · {lesson.xp_earned} XP
                    {lesson.status === "active" ? " · идёт сейчас" : ""}
                  </span>
                  {open === lesson.id && <Turns userId={userId} lessonId={lesson.id} />}
                </li>
              ))}
            </ul>
            <Pager offset={offset} pageSize={LESSONS_PAGE} total={total} onChange={setOffset} />
          </>
        )}
      </Loadable>
    </section>
  );
}

function Turns({ userId, lessonId }: { userId: number; lessonId: number }) {
  const lesson = useQuery({
    queryKey: [...ADMIN_KEY, "lesson", userId, lessonId],
    queryFn: () => unwrap(api.GET("/api/admin/users/{user_id}/lessons/{lesson_id}", {
      params: { path: { user_id: userId, lesson_id: lessonId } },
    })),
  });
  return (
    <Loadable query={lesson} loading="Загружаем реплики…">
      {({ turns }) => (
        <ol className="plain-list" aria-label={`Реплики урока`}>
          {turns.map((turn) => (
            <li key={turn.id}>
              <span className="meta">
                {TURN_ROLES[turn.role] ?? turn.role}
                {turn.interrupted ? " · перебит" : ""}
                {turn.corrections.length ? ` · исправлений: ${turn.corrections.length}` : ""}
              </span>
              <span>{turn.text}</span>
              {Object.keys(turn.timings).length > 0 && (
                <span className="timings" aria-label="Задержки этапов">
                  {Object.entries(turn.timings).map(([stage, ms]) => (
                    <span key={stage} className="timing">{stage} {Math.round(ms)} мс</span>
                  ))}
                </span>
              )}
            </li>
          ))}
        </ol>
      )}
    </Loadable>
  );
}
