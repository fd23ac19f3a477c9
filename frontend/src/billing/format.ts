/** Russian word forms for 1, 2 and 5 of something: ["минута", "минуты", "минут"]. */
export type PluralForms = readonly [one: string, few: string, many: string];

const MINUTE: PluralForms = ["минута", "минуты", "минут"];
const wholeRub = new Intl.NumberFormat("ru-RU", {
  style: "currency",
  currency: "RUB",
  maximumFractionDigits: 0,
});
const rubAndKopecks = new Intl.NumberFormat("ru-RU", { style: "currency", currency: "RUB" });
const count = new Intl.NumberFormat("ru-RU");

/** The form of a noun that goes with `n`: 1 минута, 3 минуты, 5 минут, 21 минута, 12 минут. */
export function plural(n: number, [one, few, many]: PluralForms): string {
  const lastTwo = Math.abs(n) % 100;
  const last = lastTwo % 10;
  if (lastTwo >= 11 && lastTwo <= 14) return many;
  if (last === 1) return one;
  if (last >= 2 && last <= 4) return few;
  return many;
}

export function minuteWord(minutes: number): string {
  return plural(minutes, MINUTE);
}

/** "59 минут", "1 000 минут". */
export function formatMinutes(minutes: number): string {
  return `${formatCount(minutes)}\u00a0${minuteWord(minutes)}`;
}

/** Roubles from kopecks, the Russian way: "1 500 ₽", "4,50 ₽". */
export function formatRub(kopecks: number): string {
  return (kopecks % 100 === 0 ? wholeRub : rubAndKopecks).format(kopecks / 100);
}

/** A ledger amount with its sign: "+300 ₽", "−5 ₽". */
export function formatSignedRub(kopecks: number): string {
  const sign = kopecks > 0 ? "+" : kopecks < 0 ? "\u2212" : "";
  return sign + formatRub(Math.abs(kopecks));
}

export function formatCount(n: number): string {
  return count.format(n);
}

/** What the page says of the minutes left: none (voice is closed), few, or enough. */
export function minutesStatus(balance: { minutes_left: number; low_balance: boolean }):
  "empty" | "low" | "ok" {
  if (balance.minutes_left <= 0) return "empty";
  return balance.low_balance ? "low" : "ok";
}
