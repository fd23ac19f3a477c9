import type { Schemas } from "../api/client";
import { formatRub } from "../billing/format";

export type AdminUserRow = Schemas["AdminUserRow"];
export type AuditEntry = Schemas["AuditEntryPublic"];

export const ROLE_LABELS: Record<AdminUserRow["role"], string> = {
  student: "Ученик",
  admin: "Администратор",
};

export const STATUS_LABELS: Record<AdminUserRow["status"], string> = {
  active: "Активен",
  blocked: "Заблокирован",
};

/** The journal's actions, as an admin reads them. */
export const ACTION_LABELS: Record<string, string> = {
  "user.role_changed": "Смена роли",
  "user.blocked": "Блокировка",
  "user.unblocked": "Разблокировка",
  "user.sessions_revoked": "Завершение сеансов",
  "wallet.adjusted": "Корректировка баланса",
  "payment.refunded": "Возврат платежа",
  "package.created": "Новый пакет",
  "package.updated": "Изменение пакета",
  "package.retired": "Пакет снят с продажи",
  "billing.rules_changed": "Правила биллинга",
  "providers.settings_changed": "Настройки провайдеров",
  "tutor_rule.changed": "Правило репетитора",
  "job.retried": "Повтор задачи",
  "tutor_rule.created": "Новое правило репетитора",
  "tutor_rule.deleted": "Правило репетитора удалено",
};

export const WORD_STATUS_LABELS: Record<Schemas["WordStatus"], string> = {
  weak: "Слабые",
  known: "Знакомые",
};

export const BRAIN_EVENT_LABELS: Record<Schemas["BrainEventKind"], string> = {
  error_detected: "Ошибка",
  weak_word: "Слабое слово",
  word_mastered: "Слово выучено",
  grammar_pattern: "Грамматический шаблон",
  rule_created: "Новое правило",
  rule_retired: "Правило снято",
  level_estimate: "Оценка уровня",
};

export const dateTime = new Intl.DateTimeFormat("ru-RU", {
  dateStyle: "medium",
  timeStyle: "short",
});
export const dateOnly = new Intl.DateTimeFormat("ru-RU", { dateStyle: "medium" });

export function formatWhen(iso: string | null | undefined, empty = "—"): string {
  return iso ? dateTime.format(new Date(iso)) : empty;
}

const SECRET_WORDS: Record<string, string> = { changed: "изменён", removed: "удалён" };
const VALUE_WORDS: Record<string, string> = { ...ROLE_LABELS, ...STATUS_LABELS };

/** A value from the journal: "—" for nothing, roles and statuses in Russian, the rest as is. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "boolean") return value ? "да" : "нет";
  if (typeof value === "string") return VALUE_WORDS[value] ?? value;
  return typeof value === "number" ? String(value) : JSON.stringify(value);
}

const FIELD_LABELS: Record<string, string> = {
  role: "роль",
  status: "статус",
  balance_kopecks: "баланс",
  sign_ins: "открытых сеансов",
  transaction_id: "операция",
  payment_id: "платёж",
  name: "название",
  minutes: "минут",
  discount_percent: "скидка, %",
  price_kopecks: "цена",
  is_active: "в продаже",
  sort_order: "порядок",
  price_per_minute_kopecks: "цена минуты",
  trial_minutes: "пробных минут",
  referral_bonus_referrer_kopecks: "бонус пригласившему",
  referral_bonus_referred_kopecks: "бонус приглашённому",
  low_balance_warning_minutes: "предупреждать при минутах",
  instruction: "инструкция",
  priority: "приоритет",
  trigger: "когда действует",
  scope: "для кого",
  level: "уровень",
  student_id: "ученик",
  enabled: "включено",
  expires_at: "действует до",
  source: "источник",
};

/** "роль: Ученик → Администратор"; money in roubles; a key only as "изменён" (its value is
 * never recorded). */
export function describeChanges(changes: Record<string, unknown>): string[] {
  return Object.entries(changes).map(([field, change]) => {
    const { from, to } = (change ?? {}) as { from?: unknown; to?: unknown };
    const label = FIELD_LABELS[field] ?? field;
    if (!("from" in (change as object)) && typeof to === "string" && to in SECRET_WORDS) {
      return `${label}: ${SECRET_WORDS[to]}`;
    }
    const shown = (value: unknown) => field.endsWith("_kopecks") && typeof value === "number"
      ? formatRub(value) : formatValue(value);
    return `${label}: ${shown(from)} → ${shown(to)}`;
  });
}
