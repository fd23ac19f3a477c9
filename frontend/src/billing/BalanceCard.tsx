import { Hourglass } from "lucide-react";
import type { Schemas } from "../api/client";
import { formatCount, formatRub, minutesStatus, minuteWord } from "./format";

/** "59 минут" with a big number: what the student really has left. */
export function MinutesLeft({ minutes }: { minutes: number }) {
  return (
    <p className="minutes-left">
      <span className="minutes-number">{formatCount(minutes)}</span> {minuteWord(minutes)}
    </p>
  );
}

const WARNINGS = {
  empty: "Минуты закончились. Пополните баланс, чтобы снова говорить с репетитором.",
  low: "Минуты заканчиваются. Пополните баланс, чтобы занятие не прервалось на полуслове.",
};

export function BalanceCard({ balance }: { balance: Schemas["BalancePublic"] }) {
  const status = minutesStatus(balance);
  return (
    <section
      className={status === "ok" ? "card balance-card" : "card balance-card is-low"}
      aria-labelledby="balance-title"
    >
      <h2 id="balance-title">Осталось разговора</h2>
      <MinutesLeft minutes={balance.minutes_left} />
      <p>
        На счёте {formatRub(balance.balance_kopecks)} ·{" "}
        {formatRub(balance.price_per_minute_kopecks)} за минуту
      </p>
      {status !== "ok" && (
        <p className="notice notice-warning">
          <Hourglass size={20} aria-hidden="true" />
          {WARNINGS[status]}
        </p>
      )}
    </section>
  );
}
