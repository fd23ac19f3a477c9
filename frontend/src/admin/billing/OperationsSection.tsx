import { CircleCheck, Download, Undo2 } from "lucide-react";
import { useDeferredValue, useState } from "react";
import { Link } from "react-router-dom";
import { KIND_LABELS } from "../../billing/History";
import { formatRub, formatSignedRub } from "../../billing/format";
import { Loadable } from "../../components/Loadable";
import { Pager } from "../../components/Pager";
import { PeriodFields } from "./PeriodFields";
import {
  OPERATIONS_PAGE,
  csvHref,
  useOperations,
  type OperationFilters,
  type TransactionRow,
} from "./queries";
import { RefundDialog } from "./RefundDialog";

const shortWhen = new Intl.DateTimeFormat("ru-RU", { dateStyle: "short", timeStyle: "short" });
const KINDS = Object.keys(KIND_LABELS) as (keyof typeof KIND_LABELS)[];

/** The file's name says which period it holds: "ailingva-operations-2026-12-01_2026-12-31.csv". */
function csvName({ since, until }: OperationFilters): string {
  const period = since || until ? `-${since || "start"}_${until || "now"}` : "";
  return `ailingva-operations${period}.csv`;
}

/** Every student's ledger: filters (kind, student, period), pages, the same rows as CSV, and
 * «Вернуть» on a purchase. */
export function OperationsSection() {
  const [filters, setFilters] = useState<OperationFilters>({
    kind: "", q: "", since: "", until: "", offset: 0,
  });
  const [refunding, setRefunding] = useState<TransactionRow | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const q = useDeferredValue(filters.q);
  const shown = { ...filters, q };
  const operations = useOperations(shown);
  const set = (changes: Partial<OperationFilters>) =>
    setFilters((current) => ({ ...current, offset: 0, ...changes }));
  return (
    <>
      <form className="card filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <div className="field">
          <label htmlFor="operations-kind">Операция</label>
          <select
            id="operations-kind"
            value={filters.kind}
            onChange={(event) => set({ kind: event.target.value as OperationFilters["kind"] })}
          >
            <option value="">Все операции</option>
            {KINDS.map((kind) => <option key={kind} value={kind}>{KIND_LABELS[kind]}</option>)}
          </select>
        </div>
        <div className="field field-wide">
          <label htmlFor="operations-student">Ученик: имя или email</label>
          <input
            id="operations-student"
            type="search"
            value={filters.q}
            maxLength={100}
            placeholder="Например, Анна или anna@"
            onChange={(event) => set({ q: event.target.value })}
          />
        </div>
        <PeriodFields id="operations" since={filters.since} until={filters.until} onChange={set} />
      </form>
      <div className="section-head">
        <p className="muted" aria-live="polite">
          {operations.data ? `Найдено операций: ${operations.data.total}` : "\u00a0"}
        </p>
        <a className="btn btn-ghost" href={csvHref(shown)} download={csvName(shown)}>
          <Download size={18} aria-hidden="true" /> Скачать CSV
        </a>
      </div>
      {done && (
        <p className="notice notice-success" role="status">
          <CircleCheck size={20} aria-hidden="true" /> {done}
        </p>
      )}
      <Loadable query={operations} loading="Загружаем операции…">
        {({ items, total }) => items.length === 0 ? (
          <p className="card muted">Операций нет: измените фильтры или период.</p>
        ) : (
          <div className="card table-card">
            <div className="table-scroll" role="region" aria-label="Операции" tabIndex={0}>
              <table className="operations">
                <thead>
                  <tr>
                    <th scope="col">Дата</th>
                    <th scope="col">Ученик</th>
                    <th scope="col">Операция</th>
                    <th scope="col" className="numeric">Сумма</th>
                    <th scope="col" className="numeric">Баланс после</th>
                    <th scope="col"><span className="visually-hidden">Действия</span></th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((row) => (
                    <OperationRow
                      key={row.id}
                      row={row}
                      onRefund={() => {
                        setDone(null);
                        setRefunding(row);
                      }}
                    />
                  ))}
                </tbody>
              </table>
            </div>
            <Pager
              offset={filters.offset}
              pageSize={OPERATIONS_PAGE}
              total={total}
              onChange={(offset) => setFilters((current) => ({ ...current, offset }))}
            />
          </div>
        )}
      </Loadable>
      {refunding && (
        <RefundDialog
          purchase={refunding}
          onCancel={() => setRefunding(null)}
          onDone={(message) => {
            setRefunding(null);
            setDone(message);
          }}
        />
      )}
    </>
  );
}

function OperationRow({ row, onRefund }: { row: TransactionRow; onRefund: () => void }) {
  const refundable = row.kind === "purchase" && row.payment_id !== null && !row.refunded;
  return (
    <tr>
      <td data-label="Дата" className="op-date">{shortWhen.format(new Date(row.created_at))}</td>
      <td data-label="Ученик" className="op-student">
        <Link to={`/admin/users/${row.user_id}`}>{row.user_name}</Link>
        <span className="history-note">{row.user_email}</span>
      </td>
      <td data-label="Операция" className="op-kind">
        <span className="history-kind">{KIND_LABELS[row.kind]}</span>
        {row.description && <span className="history-note">{row.description}</span>}
      </td>
      <td data-label="Сумма" className="numeric op-amount">
        <span className={row.amount_kopecks < 0 ? "amount amount-minus" : "amount amount-plus"}>
          {formatSignedRub(row.amount_kopecks)}
        </span>
      </td>
      <td data-label="Баланс после" className="numeric op-balance">
        {formatRub(row.balance_after_kopecks)}
      </td>
      <td className="op-actions">
        {refundable && (
          <button type="button" className="btn btn-ghost btn-small" onClick={onRefund}>
            <Undo2 size={16} aria-hidden="true" /> Вернуть
          </button>
        )}
        {row.refunded && <span className="status status-blocked">Возвращён</span>}
      </td>
    </tr>
  );
}
