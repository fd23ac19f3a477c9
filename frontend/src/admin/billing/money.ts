/** Roubles as an admin types them ("1 500", "4,50", "4.5") and shows them in a form. */

const RUB_TEXT = /^\d{1,9}(?:[.,]\d{1,2})?$/;

/** Kopecks from typed roubles, or null when it is not an amount: "1 500,5" -> 150050. */
export function parseRub(text: string): number | null {
  const compact = text.replace(/[\s\u00a0]/g, "");
  if (!RUB_TEXT.test(compact)) return null;
  const [whole, fraction = ""] = compact.replace(",", ".").split(".");
  return Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
}

/** Kopecks as a form shows them: 150000 -> "1500", 425 -> "4,25". */
export function rubInput(kopecks: number): string {
  const whole = Math.floor(kopecks / 100);
  const rest = kopecks % 100;
  return rest === 0 ? String(whole) : `${whole},${String(rest).padStart(2, "0")}`;
}

/** A whole number typed into a field, or null: "120" -> 120, "1,5" -> null. */
export function parseWhole(text: string): number | null {
  const compact = text.trim();
  return /^\d{1,9}$/.test(compact) ? Number(compact) : null;
}
