import { useState } from "react";
import type { Schemas } from "../api/client";
import { Loadable } from "../components/Loadable";
import { Pager } from "../components/Pager";
import { formatRub, formatSignedRub } from "./format";
import { HISTORY_PAGE_SIZE, useTransactions } from "./queries";

export const KIND_LABELS: Record<Schemas["TransactionKind"], string> = {
  trial_bonus: "Пробные минуты",
  purchase: "Покупка пакета",
  usage_charge: "Занятие с репетитором",
  referral_bonus: "Бонус за друга",
  admin_adjustment: "Корректировка",
  refund: "Возврат",
};
const dateTime = new Intl.DateTimeFormat("ru-RU", { dateStyle: "short", timeStyle: "short" });

function amountClass(kopecks: number): string {
  return kopecks < 0 ? "amount amount-minus" : "amount amount-plus";
}

export function History() {
  const [offset, setOffset] = useState(0);
  const transactions = useTransactions(offset);
  return (
    <Loadable query={transactions} loading="Загружаем историю…">
      {({ items, total }) =>
        total === 0 ? (
          <p className="muted">Операций пока нет.</p>
        ) : (
          <div className="card table-card">
            <div className="table-scroll" role="region" aria-label="Таблица операций" tabIndex={0}>
              <table className="history">
                <thead>
                  <tr>
                    <th scope="col">Дата</th>
                    <th scope="col">Операция</th>
                    <th scope="col" className="numeric">Сумма</th>
                    <th scope="col" className="numeric">Баланс после</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((entry) => (
                    <tr key={entry.id}>
                      <td data-label="Дата" className="history-date">
                        {dateTime.format(new Date(entry.created_at))}
                      </td>
                      <td data-label="Операция" className="history-op">
                        <span className="history-kind">{KIND_LABELS[entry.kind]}</span>
                        {entry.description && (
                          <span className="history-note">{entry.description}</span>
                        )}
                      </td>
                      <td data-label="Сумма" className="numeric history-amount">
                        <span className={amountClass(entry.amount_kopecks)}>
                          {formatSignedRub(entry.amount_kopecks)}
                        </span>
                      </td>
                      <td data-label="Баланс после" className="numeric history-balance">
                        {formatRub(entry.balance_after_kopecks)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager
              offset={offset}
              pageSize={HISTORY_PAGE_SIZE}
              total={total}
              onChange={setOffset}
            />
          </div>
        )
      }
    </Loadable>
  );
}
