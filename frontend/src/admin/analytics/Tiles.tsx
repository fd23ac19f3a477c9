import {
  Activity as ActivityIcon, BookOpen, Clock, MessagesSquare, Percent, Timer, UserPlus, Wallet,
} from "lucide-react";
import { formatCount, formatRub } from "../../billing/format";
import { TileList, type Tile } from "../../progress/Totals";
import { formatMs, formatPercent } from "./format";
import type { Activity, Latency, Money } from "./queries";

type Props = { activity?: Activity; money?: Money; latency?: Latency };

/** The period's totals. A figure not loaded yet shows as "…". */
export function Tiles({ activity, money, latency }: Props) {
  const wait = "…";
  const a = activity?.totals;
  const m = money?.totals;
  const c = money?.conversion;
  const main = latency?.stages[0]?.period;
  const tiles: Tile[] = [
    { icon: ActivityIcon, label: "Активных учеников", value: a ? formatCount(a.active_students) : wait },
    { icon: UserPlus, label: "Регистраций", value: a ? formatCount(a.registrations) : wait },
    { icon: Clock, label: "Голосовых минут", value: m ? formatCount(m.voice_minutes) : wait },
    {
      icon: Wallet, label: "Выручка", value: m ? formatRub(m.net_kopecks) : wait,
      note: m && m.refunds_kopecks > 0 ? `возвраты: ${formatRub(m.refunds_kopecks)}` : undefined,
    },
    {
      icon: Percent, label: "Пробный → платный", value: c ? formatPercent(c.rate_percent) : wait,
      note: c ? `${formatCount(c.paid)} из ${formatCount(c.registered)} новых` : undefined,
    },
    { icon: BookOpen, label: "Уроков", value: a ? formatCount(a.lessons) : wait },
    { icon: MessagesSquare, label: "Реплик учеников", value: a ? formatCount(a.turns) : wait },
    {
      icon: Timer, label: "До первого звука, p50", value: main ? formatMs(main.p50_ms) : wait,
      note: main ? `p95: ${formatMs(main.p95_ms)}` : undefined,
    },
  ];
  return <TileList tiles={tiles} className="analytics-totals" />;
}
