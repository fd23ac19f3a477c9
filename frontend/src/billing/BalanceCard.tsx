import { Hourglass } from "lucide-react";
import type { Schemas } from "../api/client";
import { formatCount, formatRub, minuteWord } from "./format";

/** "59 минут" with a big number: what the student really has left. */
export function MinutesLeft({ minutes }: { minutes: number }) {
  return (
    <p className="minutes-left">
      <span className="minutes-number">{formatCount(minutes)}</span> {minuteWord(minutes)}
    </p>
  );
}

export function BalanceCard({ balance }: { balance: Schemas["BalancePublic"] }) {
  return (
    <section
      className={balance.low_balance ? "card balance-card is-low" : "card balance-card"}
      aria-labelledby="balance-title"
    >
      <h2 id="balance-title">Осталось разговора</h2>
      <MinutesLeft minutes={balance.minutes_left} />
      <p>
        На счёте {formatRub(balance.balance_kopecks)} ·{" "}
        {formatRub(balance.price_per_minute_kopecks)} за минуту
      </p>
      {balance.low_balance && (
        <p className="notice notice-warning">
          <Hourglass size={20} aria-hidden="true" />
          Минуты заканчиваются. Пополните баланс, чтобы занятие не прервалось на полуслове.
        </p>
      )}
    </section>
  );
}
