/** A turn's way from the end of the student's speech to the first audio of the reply, as the
 * parts of one bar: each stage's milliseconds from the timings the server measured. */

export type Stage = { key: string; label: string; ms: number };

const LABELS = {
  turn_detect: "Конец фразы",
  stt: "Распознавание",
  grammar: "Грамматика",
  llm_first_token: "Модель: первый токен",
  llm_sentence: "Модель: первое предложение",
  tts: "Синтез речи",
  other: "Передача и ожидание",
} as const;

export const STAGE_LABELS: Record<string, string> = LABELS;

export const STAGE_KEYS = Object.keys(STAGE_LABELS);

/** The stages in order (those not measured left out) and the whole: end_to_first_audio when
 * the reply was spoken, else the sum. `first_audio` and `first_sentence` count from the start
 * of the grammar check; the model's first sentence after its first token and the speech after
 * the first sentence are what is left of them. */
export function stagesOf(timings: Record<string, number>): { stages: Stage[]; totalMs: number } {
  const t = (key: string) => timings[key] ?? 0;
  const parts: [string, number | undefined][] = [
    ["turn_detect", timings.turn_detect],
    ["stt", timings.stt],
    ["grammar", timings.grammar],
    ["llm_first_token", timings.llm_first_token],
    ["llm_sentence", timings.first_sentence === undefined ? undefined
      : t("first_sentence") - t("grammar") - t("llm_first_token")],
    ["tts", timings.first_audio === undefined || timings.first_sentence === undefined ? undefined
      : t("first_audio") - t("first_sentence")],
  ];
  const stages = parts
    .filter((part): part is [string, number] => part[1] !== undefined && part[1] > 0)
    .map(([key, ms]) => ({ key, label: STAGE_LABELS[key] ?? key, ms }));
  const measured = stages.reduce((sum, stage) => sum + stage.ms, 0);
  const total = timings.end_to_first_audio;
  if (total === undefined) return { stages, totalMs: measured };
  if (total > measured) stages.push({ key: "other", label: LABELS.other, ms: total - measured });
  return { stages, totalMs: Math.max(total, measured) };
}

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1).replace(".", ",")} с` : `${Math.round(ms)} мс`;
}
