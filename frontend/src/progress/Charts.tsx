import type { ReactNode } from "react";
import {
  Area, Bar, BarChart, CartesianGrid, ComposedChart, Legend, ResponsiveContainer, Tooltip, XAxis,
  YAxis,
} from "recharts";
import { categoryName } from "../tutor/categories";
import { formatDay } from "./format";
import type { Progress } from "./queries";

export const CATEGORY_COLOURS = [
  "#4338ca", "#0f766e", "#b93815", "#a16207", "#7c3aed", "#be185d", "#0369a1", "#4d7c0f",
  "#9f1239", "#475569", "#c2410c",
];
export const AXIS = { fontSize: 12, fill: "#555b6e" };

type CardProps = {
  title: string;
  description: string;
  empty: boolean;
  emptyText?: string;
  height?: number;
  children: ReactNode;
};

/** A chart with its title; a plain sentence for screen readers and when there is nothing yet. */
export function ChartCard({
  title, description, empty, children, height = 240,
  emptyText = "Пока пусто — поговорите с репетитором, и здесь появится график.",
}: CardProps) {
  return (
    <figure className="card chart-card">
      <figcaption><h2>{title}</h2></figcaption>
      {empty ? (
        <p className="chart-empty">{emptyText}</p>
      ) : (
        <div className="chart" role="img" aria-label={description}>
          <ResponsiveContainer width="100%" height={height}>{children}</ResponsiveContainer>
        </div>
      )}
    </figure>
  );
}

const xAxis = <XAxis dataKey="day" tickFormatter={formatDay} tick={AXIS} minTickGap={16} />;
const yAxis = <YAxis allowDecimals={false} tick={AXIS} width={36} />;
const grid = <CartesianGrid stroke="#eceef6" vertical={false} />;
export const tooltipDay = (day: unknown) => (typeof day === "string" ? formatDay(day) : "");

export function XpChart({ data }: { data: Progress["xp_by_day"] }) {
  const total = data.reduce((sum, day) => sum + day.value, 0);
  return (
    <ChartCard title="Опыт по дням" description={`Опыт за период: ${total} XP`} empty={total === 0}>
      <BarChart data={data}>
        {grid}{xAxis}{yAxis}
        <Tooltip labelFormatter={tooltipDay} formatter={(value) => [`${String(value)} XP`, "Опыт"]} />
        <Bar dataKey="value" name="Опыт" fill="#4338ca" radius={[4, 4, 0, 0]} />
      </BarChart>
    </ChartCard>
  );
}

export function MinutesChart({ data }: { data: Progress["minutes_by_day"] }) {
  const total = data.reduce((sum, day) => sum + day.value, 0);
  return (
    <ChartCard
      title="Минуты разговора"
      description={`Минут разговора за период: ${total}`}
      empty={total === 0}
    >
      <BarChart data={data}>
        {grid}{xAxis}{yAxis}
        <Tooltip labelFormatter={tooltipDay} formatter={(value) => [`${String(value)} мин`, "Голосом"]} />
        <Bar dataKey="value" name="Минуты" fill="#0369a1" radius={[4, 4, 0, 0]} />
      </BarChart>
    </ChartCard>
  );
}

export function ErrorsChart({ data, categories }: {
  data: Progress["errors_by_day"];
  categories: string[];
}) {
  const rows = data.map((day) => ({ day: day.day, ...day.by_category }));
  const total = data.reduce((sum, day) => sum + day.total, 0);
  // Only the kinds of mistakes the student made: a legend of eleven mostly empty names is noise.
  const made = categories.filter((category) =>
    data.some((day) => (day.by_category[category] ?? 0) > 0));
  const names = made.map(categoryName).join(", ");
  return (
    <ChartCard
      title="Ошибки по темам"
      description={`Ошибок за период: ${total}${names ? ` (${names})` : ""}`}
      empty={total === 0}
    >
      <BarChart data={rows}>
        {grid}{xAxis}{yAxis}
        <Tooltip labelFormatter={tooltipDay} />
        <Legend wrapperStyle={{ fontSize: 13 }} />
        {made.map((category) => (
          <Bar
            key={category}
            dataKey={category}
            name={categoryName(category)}
            stackId="errors"
            fill={CATEGORY_COLOURS[categories.indexOf(category) % CATEGORY_COLOURS.length]}
          />
        ))}
      </BarChart>
    </ChartCard>
  );
}

export function WordsChart({ data }: { data: Progress["words_by_day"] }) {
  const last = data.at(-1)?.total ?? 0;
  return (
    <ChartCard title="Выученные слова" description={`Выучено слов: ${last}`} empty={last === 0}>
      <ComposedChart data={data}>
        {grid}{xAxis}{yAxis}
        <Tooltip labelFormatter={tooltipDay} />
        <Legend wrapperStyle={{ fontSize: 13 }} />
        {/* The running total only grows: drawn in steps, never a curve that dips. */}
        <Area type="stepAfter" dataKey="total" name="Всего выучено" stroke="#0f766e" fill="#e6f6f4" />
        <Bar dataKey="new_words" name="Новые за день" fill="#4338ca" radius={[4, 4, 0, 0]} />
      </ComposedChart>
    </ChartCard>
  );
}
