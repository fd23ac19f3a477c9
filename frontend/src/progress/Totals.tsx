import { Award, Clock, Flame, GraduationCap, MessagesSquare, Sparkles, type LucideIcon } from "lucide-react";
import { formatCount, plural } from "../billing/format";
import type { Totals as TotalsData } from "./queries";

export type Tile = { icon: LucideIcon; label: string; value: string; note?: string };

function tiles(totals: TotalsData): Tile[] {
  return [
    { icon: MessagesSquare, label: "Уроков", value: formatCount(totals.lessons) },
    { icon: Clock, label: "Минут разговора", value: formatCount(totals.minutes) },
    { icon: Sparkles, label: "Опыт", value: `${formatCount(totals.xp)} XP` },
    {
      icon: Flame, label: "Серия",
      value: `${totals.streak_days} ${plural(totals.streak_days, ["день", "дня", "дней"])}`,
      note: `рекорд: ${totals.longest_streak_days}`,
    },
    { icon: GraduationCap, label: "Уровень", value: totals.level ?? "—",
      note: totals.level ? undefined : "определим после пары уроков" },
    { icon: Award, label: "Выучено слов", value: formatCount(totals.learned_words),
      note: `${totals.weak_words} на повторении` },
  ];
}

export function Totals({ totals }: { totals: TotalsData }) {
  return <TileList tiles={tiles(totals)} />;
}

/** Figures as tiles: an icon, a label, the value and an optional note under it. */
export function TileList({ tiles: list, className = "" }: { tiles: Tile[]; className?: string }) {
  return (
    <dl className={`totals ${className}`.trim()}>
      {list.map(({ icon: Icon, label, value, note }) => (
        <div key={label} className="total">
          <Icon size={20} aria-hidden="true" />
          <dt>{label}</dt>
          <dd>
            {value}
            {note && <span className="total-note">{note}</span>}
          </dd>
        </div>
      ))}
    </dl>
  );
}
