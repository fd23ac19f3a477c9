import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap, type Schemas } from "../api/client";
import { Loadable } from "../components/Loadable";
import { Pager } from "../components/Pager";
import { BRAIN_EVENT_LABELS, WORD_STATUS_LABELS, formatWhen } from "./labels";
import { ADMIN_KEY } from "./queries";
import { triggerName, whom } from "./rules";

const PAGE = 20;

/** What the brain knows of the student: words with their reviews, the tutor's rules in
 * force, and the events it recorded. */
export function UserKnowledge({ userId }: { userId: number }) {
  return (
    <div className="admin-grid">
      <Words userId={userId} />
      <Rules userId={userId} />
      <BrainEvents userId={userId} />
    </div>
  );
}

function Words({ userId }: { userId: number }) {
  const [status, setStatus] = useState<Schemas["WordStatus"]>("weak");
  const [offset, setOffset] = useState(0);
  const words = useQuery({
    queryKey: [...ADMIN_KEY, "words", userId, status, offset],
    queryFn: () => unwrap(api.GET("/api/admin/users/{user_id}/words", {
      params: { path: { user_id: userId }, query: { status, limit: PAGE, offset } },
    })),
    placeholderData: keepPreviousData,
  });
  return (
    <section className="card" aria-labelledby="words-title">
      <div className="section-head">
        <h2 id="words-title">Слова</h2>
        <div className="segmented" role="group" aria-label="Какие слова">
          {(["weak", "known"] as const).map((value) => (
            <button
              key={value}
              type="button"
              aria-pressed={status === value}
              onClick={() => { setStatus(value); setOffset(0); }}
            >
              {WORD_STATUS_LABELS[value]}
            </button>
          ))}
        </div>
      </div>
      <Loadable query={words} loading="Загружаем слова…">
        {({ items, total }) => total === 0 ? <p>Слов нет.</p> : (
          <>
            <ul className="plain-list">
              {items.map((word) => (
                <li key={word.word}>
                  <strong lang="en">{word.word}</strong>
                  <span className="meta">
                    {status === "weak"
                      ? `повторение: ${formatWhen(word.due_at, "не назначено")}`
                      : `последний раз: ${formatWhen(word.last_seen_at)}`}
                    {` · верно ${word.times_correct}, ошибок ${word.times_wrong}`}
                  </span>
                </li>
              ))}
            </ul>
            <Pager offset={offset} pageSize={PAGE} total={total} onChange={setOffset} />
          </>
        )}
      </Loadable>
    </section>
  );
}

function Rules({ userId }: { userId: number }) {
  const rules = useQuery({
    queryKey: [...ADMIN_KEY, "rules", userId],
    queryFn: () => unwrap(api.GET("/api/admin/users/{user_id}/rules", {
      params: { path: { user_id: userId } },
    })),
  });
  return (
    <section className="card" aria-labelledby="rules-title">
      <h2 id="rules-title">Правила репетитора</h2>
      <Loadable query={rules} loading="Загружаем правила…">
        {(items) => items.length === 0 ? <p>Правил для ученика нет.</p> : (
          <ul className="plain-list">
            {items.map((rule) => (
              <li key={rule.id}>
                <span className="meta">
                  {whom(rule)} · {triggerName(rule.trigger)} · приоритет {rule.priority}
                  {rule.expires_at ? ` · до ${formatWhen(rule.expires_at)}` : ""}
                  {rule.in_prompt ? " · в подсказке" : " · ждёт места в подсказке"}
                </span>
                <span lang="en">{rule.instruction}</span>
              </li>
            ))}
          </ul>
        )}
      </Loadable>
    </section>
  );
}

function BrainEvents({ userId }: { userId: number }) {
  const [offset, setOffset] = useState(0);
  const events = useQuery({
    queryKey: [...ADMIN_KEY, "brain-events", userId, offset],
    queryFn: () => unwrap(api.GET("/api/admin/users/{user_id}/brain-events", {
      params: { path: { user_id: userId }, query: { limit: PAGE, offset } },
    })),
    placeholderData: keepPreviousData,
  });
  return (
    <section className="card" aria-labelledby="events-title">
      <h2 id="events-title">События анализа</h2>
      <Loadable query={events} loading="Загружаем события…">
        {({ items, total }) => total === 0 ? <p>Событий пока нет.</p> : (
          <>
            <ul className="plain-list">
              {items.map((event) => (
                <li key={event.id}>
                  <strong>{BRAIN_EVENT_LABELS[event.kind]}</strong>
                  <span className="meta">{formatWhen(event.created_at)}</span>
                  <code className="meta">{JSON.stringify(event.payload)}</code>
                </li>
              ))}
            </ul>
            <Pager offset={offset} pageSize={PAGE} total={total} onChange={setOffset} />
          </>
        )}
      </Loadable>
    </section>
  );
}
