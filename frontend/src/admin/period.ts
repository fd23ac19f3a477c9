/** Periods the admin picks as days in their own time zone ("2026-12-01"), sent as instants. */

/** The instant a day starts, `plusDays` later: "По 31 декабря" is until the 1st of January. */
export function dayStart(day: string, plusDays = 0): string {
  const start = new Date(`${day}T00:00:00`);
  start.setDate(start.getDate() + plusDays);
  return start.toISOString();
}

/** A local date as the value of a date input: "2026-12-01". */
export function isoDay(date: Date): string {
  const month = String(date.getMonth() + 1).padStart(2, "0");
  const day = String(date.getDate()).padStart(2, "0");
  return `${date.getFullYear()}-${month}-${day}`;
}

/** A calendar month as its first and last day: 0 is this month, -1 the one before. */
export function monthDays(monthsFromNow: number, today = new Date()): { since: string; until: string } {
  const first = new Date(today.getFullYear(), today.getMonth() + monthsFromNow, 1);
  const last = new Date(today.getFullYear(), today.getMonth() + monthsFromNow + 1, 0);
  return { since: isoDay(first), until: isoDay(last) };
}

/** The `since`/`until` query of a period of days, the last day included. */
export function periodQuery(since: string, until: string): { since?: string; until?: string } {
  return {
    ...(since ? { since: dayStart(since) } : {}),
    ...(until ? { until: dayStart(until, 1) } : {}),
  };
}
