import { useState } from "react";
import { Link } from "react-router-dom";
import { formatCount, formatRub } from "../../billing/format";
import { Loadable } from "../../components/Loadable";
import { PeriodFields } from "./PeriodFields";
import { useReferralReport } from "./queries";

const percent = new Intl.NumberFormat("ru-RU", { style: "percent", maximumFractionDigits: 0 });

/** Invitations over a period: links taken, sign-ups, first purchases, bonuses, top referrers. */
export function ReferralsSection() {
  const [period, setPeriod] = useState({ since: "", until: "" });
  const report = useReferralReport(period.since, period.until);
  return (
    <>
      <form className="card filters" onSubmit={(event) => event.preventDefault()}>
        <PeriodFields id="referrals" since={period.since} until={period.until} onChange={setPeriod} />
      </form>
      <Loadable query={report} loading="Считаем приглашения…">
        {(data) => (
          <>
            <section className="card" aria-labelledby="referral-totals">
              <h2 id="referral-totals">Итоги за период</h2>
              <dl className="stats referral-stats">
                <div><dt>Взяли ссылку</dt><dd>{formatCount(data.links_issued)}</dd></div>
                <div><dt>Зарегистрировались</dt><dd>{formatCount(data.signups)}</dd></div>
                <div>
                  <dt>Впервые оплатили</dt>
                  <dd>
                    {formatCount(data.first_purchases)}
                    {data.signups > 0 && (
                      <span className="meta"> · {percent.format(data.first_purchases / data.signups)}</span>
                    )}
                  </dd>
                </div>
                <div><dt>Начислено бонусов</dt><dd>{formatRub(data.bonuses_paid_kopecks)}</dd></div>
                <div>
                  <dt>Отменено возвратами</dt>
                  <dd>{formatRub(data.bonuses_taken_back_kopecks)}</dd>
                </div>
              </dl>
              <p className="meta">
                «Зарегистрировались» — новые ученики, пришедшие по ссылке за период; «впервые
                оплатили» — друзья, чья первая покупка (и бонусы обоим) пришлась на период.
              </p>
            </section>
            <section className="card table-card" aria-labelledby="top-referrers">
              <h2 id="top-referrers" className="table-title">Кто приглашает больше всех</h2>
              {data.top_referrers.length === 0 ? (
                <p className="table-empty">За этот период по приглашениям никто не пришёл.</p>
              ) : (
                <div className="table-scroll" role="region" aria-label="Лучшие пригласившие" tabIndex={0}>
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">Ученик</th>
                        <th scope="col" className="numeric">Пригласили</th>
                        <th scope="col" className="numeric">Оплатили</th>
                        <th scope="col" className="numeric">Бонусы</th>
                      </tr>
                    </thead>
                    <tbody>
                      {data.top_referrers.map((row) => (
                        <tr key={row.user_id}>
                          <td data-label="Ученик">
                            <Link to={`/admin/users/${row.user_id}`}>{row.name}</Link>
                            <span className="history-note">{row.email}</span>
                          </td>
                          <td data-label="Пригласили" className="numeric">{formatCount(row.signups)}</td>
                          <td data-label="Оплатили" className="numeric">{formatCount(row.paid)}</td>
                          <td data-label="Бонусы" className="numeric">{formatRub(row.bonus_kopecks)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </section>
          </>
        )}
      </Loadable>
    </>
  );
}
