import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router-dom";
import { api, unwrap } from "../api/client";
import { Loadable } from "../components/Loadable";
import { Pager } from "../components/Pager";
import { usePageTitle } from "../usePageTitle";
import { ACTION_LABELS, describeChanges, formatWhen, type AuditEntry } from "./labels";
import { periodQuery } from "./period";
import { ADMIN_KEY } from "./queries";

const PAGE = 25;

type Filters = { action: string; since: string; until: string; offset: number };

export function AuditScreen() {
  usePageTitle("Журнал");
  const [filters, setFilters] = useState<Filters>({ action: "", since: "", until: "", offset: 0 });
  const set = (changes: Partial<Filters>) =>
    setFilters((current) => ({ ...current, offset: 0, ...changes }));
  const journal = useQuery({
    queryKey: [...ADMIN_KEY, "audit", filters],
    queryFn: () => unwrap(api.GET("/api/admin/audit", {
      params: {
        query: {
          limit: PAGE,
          offset: filters.offset,
          ...(filters.action ? { action: filters.action as never } : {}),
          ...periodQuery(filters.since, filters.until),
        },
      },
    })),
    placeholderData: keepPreviousData,
  });
  return (
    <>
      <div className="page-header">
        <h1>Журнал действий</h1>
        {journal.data && <p className="muted">Записей: {journal.data.total}</p>}
      </div>
      <form className="card filters" onSubmit={(event) => event.preventDefault()}>
        <div className="field field-wide">
          <label htmlFor="audit-action">Действие</label>
          <select
            id="audit-action"
            value={filters.action}
            onChange={(event) => set({ action: event.target.value })}
          >
            <option value="">Все действия</option>
            {(journal.data?.actions ?? Object.keys(ACTION_LABELS)).map((action) => (
              <option key={action} value={action}>{ACTION_LABELS[action] ?? action}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-since">С</label>
          <input
            id="audit-since"
            type="date"
            value={filters.since}
            onChange={(event) => set({ since: event.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor="audit-until">По</label>
          <input
            id="audit-until"
            type="date"
            value={filters.until}
            onChange={(event) => set({ until: event.target.value })}
          />
        </div>
      </form>
      <Loadable query={journal} loading="Загружаем журнал…">
        {({ items, total }) => items.length === 0 ? (
          <p className="card muted">Записей нет.</p>
        ) : (
          <div className="card">
            <ul className="plain-list" aria-label="Записи журнала">
              {items.map((entry) => <Entry key={entry.id} entry={entry} />)}
            </ul>
            <Pager
              offset={filters.offset}
              pageSize={PAGE}
              total={total}
              onChange={(offset) => setFilters((current) => ({ ...current, offset }))}
            />
          </div>
        )}
      </Loadable>
    </>
  );
}

function Entry({ entry }: { entry: AuditEntry }) {
  const target = entry.target_type === "user" && entry.target_id !== null
    ? <Link to={`/admin/users/${entry.target_id}`}>{entry.target_label}</Link>
    : entry.target_label;
  const changes = describeChanges(entry.changes);
  return (
    <li>
      <div className="section-head">
        <strong>{ACTION_LABELS[entry.action] ?? entry.action}</strong>
        <span className="meta">{formatWhen(entry.created_at)}</span>
      </div>
      <span>{target}</span>
      <span className="meta">Кто: {entry.actor_email}</span>
      {changes.length > 0 && (
        <ul className="changes meta">
          {changes.map((line) => <li key={line}>{line}</li>)}
        </ul>
      )}
      {entry.reason && <span className="meta">Причина: {entry.reason}</span>}
    </li>
  );
}
