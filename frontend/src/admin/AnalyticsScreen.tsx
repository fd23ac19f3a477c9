import { useState, type FormEvent } from "react";
import { ErrorMessage } from "../components/ErrorMessage";
import { usePageTitle } from "../usePageTitle";
import {
  ActivityChart, ErrorsChart, LatencyChart, LessonsChart, MoneyChart, StagesChart,
} from "./analytics/Charts";
import { ProviderShares } from "./analytics/ProviderShares";
import { useAnalytics, type Period } from "./analytics/queries";
import { Tiles } from "./analytics/Tiles";
import "./analytics/analytics.css";

const PRESETS = [7, 30, 90] as const;

/** Обзор: the service over a period — students, money, errors, latency, providers. */
export function AnalyticsScreen() {
  usePageTitle("Обзор");
  const [period, setPeriod] = useState<Period>({ days: 30 });
  const activity = useAnalytics("activity", period);
  const money = useAnalytics("money", period);
  const errors = useAnalytics("errors", period);
  const latency = useAnalytics("latency", period);
  const providers = useAnalytics("providers", period);
  const failed = [activity, money, errors, latency, providers].find((q) => q.isError);
  const loading = [activity, money, errors, latency, providers].some((q) => q.isPending);
  const nothing = activity.data && money.data
    && activity.data.totals.turns === 0 && activity.data.totals.registrations === 0
    && money.data.totals.voice_minutes === 0 && money.data.totals.revenue_kopecks === 0;
  return (
    <>
      <div className="page-header">
        <h1>Обзор</h1>
        <p className="muted">Все даты и дни — по UTC.</p>
      </div>
      <PeriodPicker period={period} onChange={setPeriod} />
      {failed?.error && <ErrorMessage>{failed.error.message}</ErrorMessage>}
      {loading && <p className="muted" role="status">Считаем показатели…</p>}
      <Tiles activity={activity.data} money={money.data} latency={latency.data} />
      {nothing && (
        <p className="card analytics-empty">
          За этот период не было ни учеников, ни оплат. Выберите период подлиннее.
        </p>
      )}
      <div className="chart-grid">
        {activity.data && <ActivityChart activity={activity.data} />}
        {money.data && <MoneyChart money={money.data} />}
        {activity.data && <LessonsChart activity={activity.data} />}
        {errors.data && <ErrorsChart errors={errors.data} />}
        {latency.data && <LatencyChart latency={latency.data} />}
        {latency.data && <StagesChart latency={latency.data} />}
        {providers.data && <ProviderShares shares={providers.data} />}
      </div>
    </>
  );
}

type PickerProps = { period: Period; onChange: (period: Period) => void };

function PeriodPicker({ period, onChange }: PickerProps) {
  const [since, setSince] = useState("since" in period ? period.since : "");
  const [until, setUntil] = useState("until" in period ? period.until : "");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (since && until) onChange({ since, until });
  };
  return (
    <form className="card filters analytics-period" onSubmit={submit} aria-label="Период">
      <div className="period-presets" role="group" aria-label="Последние дни">
        {PRESETS.map((days) => (
          <button
            key={days}
            type="button"
            className="btn btn-ghost"
            aria-pressed={"days" in period && period.days === days}
            onClick={() => onChange({ days })}
          >
            {days} дней
          </button>
        ))}
      </div>
      <div className="field">
        <label htmlFor="analytics-since">С</label>
        <input id="analytics-since" type="date" value={since} required
          onChange={(event) => setSince(event.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="analytics-until">По</label>
        <input id="analytics-until" type="date" value={until} required
          onChange={(event) => setUntil(event.target.value)} />
      </div>
      <button type="submit" className="btn btn-primary">Показать</button>
    </form>
  );
}
