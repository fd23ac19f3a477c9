import { formatCount } from "../../billing/format";

const compact = new Intl.NumberFormat("ru-RU", { notation: "compact", maximumFractionDigits: 1 });

/** "640 мс"; "—" when nothing was measured. */
export function formatMs(ms: number | null | undefined): string {
  return ms == null ? "—" : `${formatCount(Math.round(ms))}\u00a0мс`;
}

/** Axis ticks: "12 тыс.", "1,5 млн". */
export function formatCompact(n: number): string {
  return compact.format(n);
}

/** "12,5 %". */
export function formatPercent(n: number): string {
  return `${n.toLocaleString("ru-RU", { maximumFractionDigits: 1 })}\u00a0%`;
}

/** The stages of a turn, as an admin reads them. */
export const STAGE_NAMES: Record<string, string> = {
  end_to_first_audio: "Конец речи → первый звук",
  turn_detect: "Определение конца реплики",
  stt: "Распознавание речи",
  grammar: "Проверка грамматики",
  llm_first_token: "Первый токен модели",
  first_sentence: "Первое предложение",
  first_audio: "Первый звук синтеза",
};

export const CAPABILITY_NAMES: Record<string, string> = {
  stt: "Распознавание речи",
  llm: "Языковая модель",
  tts: "Синтез речи",
};
