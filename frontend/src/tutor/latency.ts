import type { Timings } from "./types";

const seconds = new Intl.NumberFormat("ru-RU", { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** "640 мс" under a second, "1,8 с" from one. */
function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}\u00a0мс` : `${seconds.format(ms / 1000)}\u00a0с`;
}

/** "ответ через 640 мс · всего 2,4 с": how quickly the tutor answered; null without timings. */
export function formatLatency(timings: Timings | null): string | null {
  if (!timings) return null;
  const first = timings.end_to_first_audio ?? timings.first_audio ?? timings.llm_first_token;
  const parts: string[] = [];
  if (first !== undefined) parts.push(`ответ через ${duration(first)}`);
  // A voice turn's `total` leaves out turn detection: next to a longer first figure it misleads.
  if (timings.total !== undefined && timings.total > (first ?? 0)) {
    parts.push(`всего ${duration(timings.total)}`);
  }
  return parts.length ? parts.join(" · ") : null;
}
