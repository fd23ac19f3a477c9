import type { Correction } from "./types";

export type Segment =
  | { kind: "text"; text: string }
  | { kind: "fix"; text: string; correction: Correction };

/**
 * The student's text cut into plain pieces and corrected spans. `start`/`end` index the text;
 * spans out of range are clamped, and a span overlapping an earlier one is dropped, so odd
 * input never breaks the sentence. An empty span (`start === end`) is an insertion.
 */
export function segmentText(text: string, corrections: readonly Correction[]): Segment[] {
  const clamp = (n: number) => Math.min(Math.max(Math.trunc(Number.isFinite(n) ? n : 0), 0),
    text.length);
  const spans = corrections
    .map((correction) => ({ correction, start: clamp(correction.start), end: clamp(correction.end) }))
    .filter(({ start, end }) => start <= end)
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const segments: Segment[] = [];
  let cursor = 0;
  for (const { correction, start, end } of spans) {
    if (start < cursor) continue;
    if (start > cursor) segments.push({ kind: "text", text: text.slice(cursor, start) });
    segments.push({ kind: "fix", text: text.slice(start, end), correction });
    cursor = end;
  }
  if (cursor < text.length) segments.push({ kind: "text", text: text.slice(cursor) });
  return segments;
}
