import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api, unwrap } from "../../api/client";
import { formatRub } from "../../billing/format";
import { ErrorMessage } from "../../components/ErrorMessage";
import { ADMIN_KEY } from "../queries";
import { parseRub, parseWhole, rubInput } from "./money";
import type { AdminPackage } from "./queries";

type Props = {
  /** The package to edit; none for a new one. */
  editing?: AdminPackage;
  pricePerMinuteKopecks: number;
  onDone: (message: string) => void;
  onCancel: () => void;
};

type Draft = { name: string; minutes: string; discount: string; price: string; order: string };
type Checked = {
  name: string; minutes: number; discount: number; price: number | null; order: number;
};

const MAX_PRICE_KOPECKS = 100_000_000;

function draftOf(item?: AdminPackage): Draft {
  return item
    ? {
        name: item.name,
        minutes: String(item.minutes),
        discount: String(item.discount_percent),
        price: rubInput(item.price_kopecks),
        order: String(item.sort_order),
      }
    : { name: "", minutes: "", discount: "0", price: "", order: "0" };
}

/** What is wrong with each field, in Russian, and the values when nothing is. */
function check(draft: Draft, priceRequired: boolean): { errors: Partial<Draft>; value?: Checked } {
  const errors: Partial<Draft> = {};
  const name = draft.name.trim();
  if (!name) errors.name = "Введите название пакета.";
  else if (name.length > 80) errors.name = "Название — не длиннее 80 символов.";
  const minutes = parseWhole(draft.minutes);
  if (minutes === null || minutes < 1 || minutes > 100_000) {
    errors.minutes = "Минуты — целое число от 1 до 100 000.";
  }
  const discount = parseWhole(draft.discount);
  if (discount === null || discount > 99) errors.discount = "Скидка — целое число от 0 до 99.";
  const price = draft.price.trim() ? parseRub(draft.price) : null;
  if (draft.price.trim() && (price === null || price < 1 || price > MAX_PRICE_KOPECKS)) {
    errors.price = "Цена — сумма больше нуля, до 1 000 000 ₽, например 1500 или 1499,90.";
  } else if (!draft.price.trim() && priceRequired) {
    errors.price = "Укажите цену пакета.";
  }
  const order = /^-?\d{1,4}$/.test(draft.order.trim()) ? Number(draft.order) : null;
  if (order === null || Math.abs(order) > 1000) {
    errors.order = "Порядок — целое число от −1000 до 1000.";
  }
  if (Object.keys(errors).length > 0) return { errors };
  return { errors, value: { name, minutes: minutes!, discount: discount!, price, order: order! } };
}

/** The price the server sets when none is given (billing's `package_price`): the minutes at
 * the base price, less the discount, rounded to whole roubles. */
function basePrice(minutes: number, discount: number, perMinute: number): number {
  return Math.round((minutes * perMinute * (100 - discount)) / 100 / 100) * 100;
}

/** A new package, or changes to one: name, minutes, discount, price (₽) and the order on the
 * student's page, with the price per minute worked out as the admin types. */
export function PackageForm({ editing, pricePerMinuteKopecks, onDone, onCancel }: Props) {
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState(() => draftOf(editing));
  const [submitted, setSubmitted] = useState(false);
  const { errors, value } = check(draft, editing !== undefined);
  const save = useMutation({
    mutationFn: (checked: Checked) => {
      const body = {
        name: checked.name,
        minutes: checked.minutes,
        discount_percent: checked.discount,
        sort_order: checked.order,
        ...(checked.price !== null ? { price_kopecks: checked.price } : {}),
      };
      return editing
        ? unwrap(api.PATCH("/api/admin/billing/packages/{package_id}", {
            params: { path: { package_id: editing.id } }, body,
          }))
        : unwrap(api.POST("/api/admin/billing/packages", { body }));
    },
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: ADMIN_KEY });
      onDone(editing ? `Пакет «${saved.name}» сохранён.`
        : `Пакет «${saved.name}» создан и уже в продаже.`);
    },
  });
  const set = (field: keyof Draft) => (event: { target: { value: string } }) =>
    setDraft((current) => ({ ...current, [field]: event.target.value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (value) save.mutate(value);
  };
  const shown = (field: keyof Draft) => (submitted || draft[field] !== draftOf(editing)[field])
    ? errors[field] : undefined;
  const minutes = parseWhole(draft.minutes);
  const discount = Math.min(parseWhole(draft.discount) ?? 0, 99);
  const price = draft.price.trim() ? parseRub(draft.price)
    : minutes ? basePrice(minutes, discount, pricePerMinuteKopecks) : null;
  const prefix = editing ? `package-${editing.id}` : "package-new";
  const field = (name: keyof Draft, label: string, props: Record<string, string> = {}) => (
    <div className="field">
      <label htmlFor={`${prefix}-${name}`}>{label}</label>
      <input
        id={`${prefix}-${name}`}
        value={draft[name]}
        onChange={set(name)}
        aria-invalid={shown(name) ? true : undefined}
        aria-describedby={shown(name) ? `${prefix}-${name}-error` : undefined}
        {...props}
      />
      {shown(name) && (
        <span id={`${prefix}-${name}-error`} className="field-error">{shown(name)}</span>
      )}
    </div>
  );
  return (
    <form className="card package-form" onSubmit={submit} noValidate aria-labelledby={`${prefix}-title`}>
      <h3 id={`${prefix}-title`}>{editing ? `Изменить «${editing.name}»` : "Новый пакет"}</h3>
      <div className="form-grid">
        {field("name", "Название", { maxLength: "80", placeholder: "Например, «Старт»" })}
        {field("minutes", "Минут", { inputMode: "numeric", placeholder: "60" })}
        {field("discount", "Скидка, %", { inputMode: "numeric" })}
        {field("price", "Цена, ₽", {
          inputMode: "decimal",
          placeholder: editing ? "" : "по базовой цене со скидкой",
        })}
        {field("order", "Порядок на странице", { inputMode: "numeric" })}
      </div>
      <p className="meta" aria-live="polite">
        {minutes && price
          ? `Итого ${formatRub(price)}: ${formatRub(Math.round(price / minutes))} за минуту `
            + `(базовая цена — ${formatRub(pricePerMinuteKopecks)}).`
          : `Базовая цена — ${formatRub(pricePerMinuteKopecks)} за минуту.`}
      </p>
      {save.isError && <ErrorMessage>{save.error.message}</ErrorMessage>}
      <div className="dialog-actions">
        <button type="button" className="btn btn-ghost" onClick={onCancel}>Отмена</button>
        <button type="submit" className="btn btn-primary" disabled={save.isPending}>
          {save.isPending ? "Сохраняем…" : editing ? "Сохранить" : "Создать пакет"}
        </button>
      </div>
    </form>
  );
}
