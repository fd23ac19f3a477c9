import {
  Bar, BarChart, CartesianGrid, ComposedChart, Legend, Line, LineChart, Tooltip, XAxis, YAxis,
} from "recharts";
import { formatCount, formatRub } from "../../billing/format";
import { AXIS, CATEGORY_COLOURS, ChartCard, tooltipDay } from "../../progress/Charts";
import { formatDay } from "../../progress/format";
import { categoryName } from "../../tutor/categories";
import { formatCompact, formatMs, STAGE_NAMES } from "./format";
import type { Activity, Errors, Latency, Money } from "./queries";

const EMPTY = "За этот период данных нет.";
// Net of refunds, so a day of refunds can go below zero.
const REVENUE = "Выручка, ₽";
const grid = <CartesianGrid stroke="#eceef6" vertical={false} />;
const xAxis = <XAxis dataKey="day" tickFormatter={formatDay} tick={AXIS} minTickGap={16} />;
const legend = <Legend wrapperStyle={{ fontSize: 13 }} />;
const count = (value: unknown) => formatCount(Number(value));

export function ActivityChart({ activity }: { activity: Activity }) {
  const { totals } = activity;
  return (
    <ChartCard
      title="Активные ученики и регистрации"
      description={`Активных учеников: ${formatCount(totals.active_students)}, регистраций: ${formatCount(totals.registrations)}`}
      empty={totals.active_students === 0 && totals.registrations === 0}
      emptyText={EMPTY}
    >
      <ComposedChart data={activity.days}>
        {grid}{xAxis}
        <YAxis allowDecimals={false} tick={AXIS} width={40} tickFormatter={formatCompact} />
        <Tooltip labelFormatter={tooltipDay} formatter={count} />
        {legend}
        <Bar dataKey="registrations" name="Регистрации" fill="#0f766e" radius={[4, 4, 0, 0]}
          isAnimationActive={false} />
        <Line dataKey="active_students" name="Активные ученики" stroke="#4338ca" strokeWidth={2}
          dot={false} type="linear" isAnimationActive={false} />
      </ComposedChart>
    </ChartCard>
  );
}

export function MoneyChart({ money }: { money: Money }) {
  const rows = money.days.map((day) => ({
    day: day.day,
    minutes: day.voice_minutes,
    net: (day.revenue_kopecks - day.refunds_kopecks) / 100,
  }));
  const { totals } = money;
  return (
    <ChartCard
      title="Голосовые минуты и выручка"
      description={`Минут: ${formatCount(totals.voice_minutes)}, выручка: ${formatRub(totals.net_kopecks)}`}
      empty={totals.voice_minutes === 0 && totals.revenue_kopecks === 0}
      emptyText={EMPTY}
    >
      <ComposedChart data={rows}>
        {grid}{xAxis}
        <YAxis yAxisId="minutes" allowDecimals={false} tick={AXIS} width={40}
          tickFormatter={formatCompact} />
        <YAxis yAxisId="rub" orientation="right" tick={AXIS} width={52}
          tickFormatter={formatCompact} />
        <Tooltip
          labelFormatter={tooltipDay}
          formatter={(value, name) =>
            name === REVENUE ? formatRub(Math.round(Number(value) * 100)) : count(value)}
        />
        {legend}
        <Bar yAxisId="minutes" dataKey="minutes" name="Минуты" fill="#0369a1"
          radius={[4, 4, 0, 0]} isAnimationActive={false} />
        <Line yAxisId="rub" dataKey="net" name={REVENUE} stroke="#b93815" strokeWidth={2}
          dot={false} type="linear" isAnimationActive={false} />
      </ComposedChart>
    </ChartCard>
  );
}

export function LessonsChart({ activity }: { activity: Activity }) {
  const { totals } = activity;
  return (
    <ChartCard
      title="Уроки и реплики"
      description={`Уроков: ${formatCount(totals.lessons)}, реплик учеников: ${formatCount(totals.turns)}`}
      empty={totals.lessons === 0 && totals.turns === 0}
      emptyText={EMPTY}
    >
      <ComposedChart data={activity.days}>
        {grid}{xAxis}
        <YAxis yAxisId="lessons" allowDecimals={false} tick={AXIS} width={40}
          tickFormatter={formatCompact} />
        <YAxis yAxisId="turns" orientation="right" allowDecimals={false} tick={AXIS} width={44}
          tickFormatter={formatCompact} />
        <Tooltip labelFormatter={tooltipDay} formatter={count} />
        {legend}
        <Bar yAxisId="lessons" dataKey="lessons" name="Уроки" fill="#7c3aed"
          radius={[4, 4, 0, 0]} isAnimationActive={false} />
        <Line yAxisId="turns" dataKey="turns" name="Реплики" stroke="#a16207" strokeWidth={2}
          dot={false} type="linear" isAnimationActive={false} />
      </ComposedChart>
    </ChartCard>
  );
}

export function ErrorsChart({ errors }: { errors: Errors }) {
  const rows = errors.categories.map((c) => ({ ...c, name: categoryName(c.category) }));
  return (
    <ChartCard
      title="Ошибки учеников по категориям"
      description={`Ошибок: ${formatCount(errors.total)}; ${rows.map((r) => `${r.name}: ${formatCount(r.total)}`).join(", ")}`}
      empty={errors.total === 0}
      emptyText={EMPTY}
      height={Math.max(160, 36 * rows.length + 60)}
    >
      <BarChart data={rows} layout="vertical" margin={{ left: 8, right: 16 }}>
        <CartesianGrid stroke="#eceef6" horizontal={false} />
        <XAxis type="number" allowDecimals={false} tick={AXIS} tickFormatter={formatCompact} />
        <YAxis type="category" dataKey="name" tick={AXIS} width={118} interval={0} />
        <Tooltip formatter={count} />
        {legend}
        <Bar dataKey="live" name="Исправлено в разговоре" stackId="errors"
          fill={CATEGORY_COLOURS[0]} isAnimationActive={false} />
        <Bar dataKey="analysis" name="Найдено анализом" stackId="errors"
          fill={CATEGORY_COLOURS[1]} radius={[0, 4, 4, 0]} isAnimationActive={false} />
      </BarChart>
    </ChartCard>
  );
}

export function LatencyChart({ latency }: { latency: Latency }) {
  const main = latency.stages[0];
  const turns = main?.period.turns ?? 0;
  return (
    <ChartCard
      title="Конец речи → первый звук ответа, мс"
      description={`p50 ${formatMs(main?.period.p50_ms)}, p95 ${formatMs(main?.period.p95_ms)} за период`}
      empty={turns === 0}
      emptyText="За этот период голосовых ответов не было."
    >
      <LineChart data={main?.days ?? []}>
        {grid}{xAxis}
        <YAxis tick={AXIS} width={44} tickFormatter={formatCompact} />
        <Tooltip labelFormatter={tooltipDay} formatter={(value) => formatMs(Number(value))} />
        {legend}
        <Line dataKey="p50_ms" name="p50" stroke="#4338ca" strokeWidth={2} dot={false}
          isAnimationActive={false} />
        <Line dataKey="p95_ms" name="p95" stroke="#b93815" strokeWidth={2} dot={false}
          strokeDasharray="5 3" isAnimationActive={false} />
      </LineChart>
    </ChartCard>
  );
}

export function StagesChart({ latency }: { latency: Latency }) {
  const rows = latency.stages
    .filter((s) => s.period.turns > 0)
    .map((s) => ({ name: STAGE_NAMES[s.stage] ?? s.stage, p50: s.period.p50_ms,
      p95: s.period.p95_ms }));
  return (
    <ChartCard
      title="Задержка по этапам, мс"
      description={rows.map((r) => `${r.name}: p50 ${formatMs(r.p50)}, p95 ${formatMs(r.p95)}`)
        .join("; ")}
      empty={rows.length === 0}
      emptyText={EMPTY}
      height={Math.max(160, 44 * rows.length + 60)}
    >
      <BarChart data={rows} layout="vertical" margin={{ left: 8, right: 16 }}>
        <CartesianGrid stroke="#eceef6" horizontal={false} />
        <XAxis type="number" tick={AXIS} tickFormatter={formatCompact} />
        <YAxis type="category" dataKey="name" tick={AXIS} width={140} interval={0} />
        <Tooltip formatter={(value) => formatMs(Number(value))} />
        {legend}
        <Bar dataKey="p50" name="p50" fill="#4338ca" isAnimationActive={false} />
        <Bar dataKey="p95" name="p95" fill="#f0a58f" isAnimationActive={false} />
      </BarChart>
    </ChartCard>
  );
}
