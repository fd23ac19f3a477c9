const dayMonth = new Intl.DateTimeFormat("ru-RU", { day: "numeric", month: "short" });
const fullDate = new Intl.DateTimeFormat("ru-RU", { day: "numeric", month: "long" });

/** "2025-01-15" (a calendar day, not an instant) as a local date. */
function calendarDay(day: string): Date {
  return new Date(`${day}T00:00:00`);
}

/** "15 янв." for chart axes. */
export function formatDay(day: string): string {
  return dayMonth.format(calendarDay(day));
}

/** "15 января" for an instant (a lesson's start). */
export function formatDate(instant: string): string {
  return fullDate.format(new Date(instant));
}

/** When a weak word is due for review: "пора повторить", "сегодня", "завтра" or a date. */
export function formatDue(dueAt: string | null, now: Date = new Date()): string {
  if (!dueAt) return "скоро";
  const due = new Date(dueAt);
  if (due.getTime() <= now.getTime()) return "пора повторить";
  const startOfDay = (date: Date) => new Date(date.getFullYear(), date.getMonth(), date.getDate());
  const days = Math.round((startOfDay(due).getTime() - startOfDay(now).getTime()) / 86_400_000);
  if (days === 0) return "сегодня";
  if (days === 1) return "завтра";
  return fullDate.format(due);
}
