import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../api/client";
import { categoryName } from "../tutor/categories";
import { ADMIN_KEY } from "./queries";

export type Rule = Schemas["RulePublic"];
export type RuleDraft = Schemas["RuleDraft"];
export type RuleScope = Schemas["RuleScope"];
export type Level = Schemas["CefrLevel"];

export const RULES_KEY = [...ADMIN_KEY, "rules"] as const;
export const RULES_PAGE = 20;
export const LEVELS: readonly Level[] = ["A1", "A2", "B1", "B2", "C1", "C2"];
/** The triggers a rule may have: "always", then the grammar engine's categories. */
export const TRIGGERS = [
  "always", "articles", "tense", "verb_form", "agreement", "prepositions", "word_order",
  "plural", "pronouns", "calque", "spelling", "word_choice",
] as const;

export const SCOPE_LABELS: Record<RuleScope, string> = {
  all: "Все ученики",
  level: "Уровень",
  student: "Один ученик",
};
export const SOURCE_LABELS: Record<Rule["source"], string> = {
  brain: "Из ошибок ученика",
  admin: "Администратор",
};

export function triggerName(trigger: string): string {
  return trigger === "always" ? "Всегда" : `Ошибки: ${categoryName(trigger).toLowerCase()}`;
}

/** "Уровень B1", "Аня (anna@…)", "Все ученики". */
export function whom(rule: Pick<Rule, "scope" | "level" | "student_label">): string {
  if (rule.scope === "level") return `Уровень ${rule.level ?? "?"}`;
  if (rule.scope === "student") return rule.student_label ?? "Ученик";
  return SCOPE_LABELS.all;
}

export type RuleFilters = {
  scope: "" | RuleScope;
  source: "" | Rule["source"];
  status: "" | "enabled" | "disabled";
  studentId: number | null;
  offset: number;
};

export function useRules({ scope, source, status, studentId, offset }: RuleFilters) {
  return useQuery({
    queryKey: [...RULES_KEY, { scope, source, status, studentId, offset }],
    queryFn: () => unwrap(api.GET("/api/admin/rules", {
      params: {
        query: {
          limit: RULES_PAGE, offset,
          ...(scope ? { scope } : {}), ...(source ? { source } : {}),
          ...(status ? { status } : {}), ...(studentId ? { student_id: studentId } : {}),
        },
      },
    })),
    placeholderData: keepPreviousData,
  });
}

/** The form's fields; `expires` is a day (yyyy-mm-dd) or "". */
export type RuleFields = {
  scope: RuleScope;
  level: Level;
  student: { id: number; label: string } | null;
  trigger: string;
  instruction: string;
  priority: number;
  expires: string;
};

function day(iso: string | null): string {
  if (!iso) return "";
  const date = new Date(iso);
  const pad = (value: number) => String(value).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The form filled from a draft or a saved rule. */
export function fieldsOf(rule: RuleDraft | Rule): RuleFields {
  return {
    scope: rule.scope,
    level: rule.level ?? "A2",
    student: rule.student_id && rule.student_label
      ? { id: rule.student_id, label: rule.student_label } : null,
    trigger: rule.trigger,
    instruction: rule.instruction,
    priority: rule.priority,
    expires: day(rule.expires_at),
  };
}

/** The body the API takes; a rule ends at the end of its last day, in the admin's time. */
export function bodyOf(fields: RuleFields) {
  return {
    scope: fields.scope,
    level: fields.scope === "level" ? fields.level : null,
    student_id: fields.scope === "student" ? fields.student?.id ?? null : null,
    trigger: fields.trigger as Schemas["RuleCreate"]["trigger"],
    instruction: fields.instruction.trim(),
    priority: fields.priority,
    expires_at: fields.expires ? new Date(`${fields.expires}T23:59:59`).toISOString() : null,
  };
}

export async function draftFromText(text: string): Promise<RuleDraft> {
  return unwrap(api.POST("/api/admin/rules/draft", { body: { text } }));
}

export async function draftFromSpeech(wav: Blob): Promise<RuleDraft> {
  const form = new FormData();
  form.append("audio", wav, "rule.wav");
  return unwrap(api.POST("/api/admin/rules/draft/audio", {
    body: form as never,
    bodySerializer: (body: unknown) => body as FormData,
  }));
}
