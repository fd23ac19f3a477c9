import { useMutation, useQueryClient } from "@tanstack/react-query";
import { CircleCheck } from "lucide-react";
import { useState, type FormEvent } from "react";
import { api, unwrap } from "../../api/client";
import { formatMinutes, formatRub } from "../../billing/format";
import { ErrorMessage } from "../../components/ErrorMessage";
import { ADMIN_KEY } from "../queries";
import { parseRub, parseWhole, rubInput } from "./money";
import type { BillingRules } from "./queries";

type Field = keyof BillingRules;
type Spec = {
  label: string;
  hint: string;
  kind: "rub" | "whole";
  min: number;
  max: number;
  error: string;
};

/** The fields in the server's limits (billing's `BillingRules`); money in kopecks. */
const SPECS: Record<Field, Spec> = {
  price_per_minute_kopecks: {
    label: "Цена минуты, ₽",
    hint: "Списывается за каждую начатую минуту голосового урока; остаток минут у всех учеников пересчитается.",
    kind: "rub", min: 1, max: 100_000,
    error: "Цена — от 0,01 до 1000 ₽, например 5 или 4,50.",
  },
  trial_minutes: {
    label: "Пробных минут",
    hint: "Дарятся новому ученику при регистрации (по цене на этот момент). 0 — без пробного периода.",
    kind: "whole", min: 0, max: 10_000,
    error: "Пробные минуты — целое число от 0 до 10 000.",
  },
  referral_bonus_referrer_kopecks: {
    label: "Бонус пригласившему, ₽",
    hint: "Начисляется, когда приглашённый друг впервые оплатит пакет.",
    kind: "rub", min: 0, max: 100_000_000,
    error: "Бонус — от 0 до 1 000 000 ₽.",
  },
  referral_bonus_referred_kopecks: {
    label: "Бонус приглашённому, ₽",
    hint: "Начисляется другу вместе с его первой покупкой.",
    kind: "rub", min: 0, max: 100_000_000,
    error: "Бонус — от 0 до 1 000 000 ₽.",
  },
  low_balance_warning_minutes: {
    label: "Предупреждать, когда осталось минут",
    hint: "Ученик увидит предупреждение на уроке и на странице «Баланс».",
    kind: "whole", min: 0, max: 60,
    error: "Порог — целое число от 0 до 60 минут.",
  },
};
const FIELDS = Object.keys(SPECS) as Field[];

function textOf(rules: BillingRules): Record<Field, string> {
  return Object.fromEntries(FIELDS.map((field) => [
    field, SPECS[field].kind === "rub" ? rubInput(rules[field]) : String(rules[field]),
  ])) as Record<Field, string>;
}

function parsed(field: Field, text: string): number | null {
  const spec = SPECS[field];
  const value = spec.kind === "rub" ? parseRub(text) : parseWhole(text);
  return value !== null && value >= spec.min && value <= spec.max ? value : null;
}

/** Price per minute, trial minutes, invitation bonuses and the low-balance warning. */
export function RulesSection({ rules }: { rules: BillingRules }) {
  const queryClient = useQueryClient();
  const [text, setText] = useState(() => textOf(rules));
  const [done, setDone] = useState(false);
  const values = Object.fromEntries(FIELDS.map((f) => [f, parsed(f, text[f])])) as
    Record<Field, number | null>;
  const invalid = FIELDS.filter((field) => values[field] === null);
  const save = useMutation({
    mutationFn: () => unwrap(api.PUT("/api/admin/billing/rules", {
      body: values as BillingRules,
    })),
    onMutate: () => setDone(false),
    onSuccess: (saved) => {
      setText(textOf(saved));
      setDone(true);
      void queryClient.invalidateQueries({ queryKey: ADMIN_KEY });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (invalid.length === 0) save.mutate();
  };
  const price = values.price_per_minute_kopecks;
  const trial = values.trial_minutes;
  return (
    <form className="card rules-form" onSubmit={submit} noValidate aria-labelledby="rules-title">
      <h2 id="rules-title">Правила биллинга</h2>
      <div className="form-grid">
        {FIELDS.map((field) => {
          const id = `rule-${field}`;
          const wrong = values[field] === null;
          return (
            <div className="field" key={field}>
              <label htmlFor={id}>{SPECS[field].label}</label>
              <input
                id={id}
                inputMode={SPECS[field].kind === "rub" ? "decimal" : "numeric"}
                value={text[field]}
                aria-invalid={wrong ? true : undefined}
                aria-describedby={`${id}-hint`}
                onChange={(event) => {
                  setDone(false);
                  setText((current) => ({ ...current, [field]: event.target.value }));
                }}
              />
              <span id={`${id}-hint`} className={wrong ? "field-error" : "meta"}>
                {wrong ? SPECS[field].error : SPECS[field].hint}
              </span>
            </div>
          );
        })}
      </div>
      {price !== null && trial !== null && (
        <p className="meta">
          {`Новый ученик получит ${formatMinutes(trial)} — это ${formatRub(trial * price)}.`}
        </p>
      )}
      {save.isError && <ErrorMessage>{save.error.message}</ErrorMessage>}
      {done && (
        <p className="notice notice-success" role="status">
          <CircleCheck size={20} aria-hidden="true" /> Правила сохранены и уже действуют.
        </p>
      )}
      <div className="dialog-actions">
        <button type="submit" className="btn btn-primary" disabled={invalid.length > 0 || save.isPending}>
          {save.isPending ? "Сохраняем…" : "Сохранить правила"}
        </button>
      </div>
    </form>
  );
}
