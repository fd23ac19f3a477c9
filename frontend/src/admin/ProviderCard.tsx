import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Activity, Save } from "lucide-react";
import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from "react";
import { api, unwrap, type Schemas } from "../api/client";
import { ErrorMessage } from "../components/ErrorMessage";
import { TextField } from "../components/TextField";
import {
  CAPABILITY_TITLES, FAMILY_HINTS, FAMILY_LABELS, PROVIDER_SETTINGS_KEY, draftFrom, fieldsFor, formState, rebase,
  type Capability, type CheckResult, type Draft, type Family, type Field, type ProviderOptions,
  type SecretEdit,
} from "./providerFields";
import { SecretField } from "./SecretField";

type Props = {
  capability: Capability;
  settings: Schemas["ProviderSettingsPublic"];
  options: ProviderOptions;
};

type Choice = { value: string; label: string };

/** One capability: its provider, fallback and their settings, saved and checked on their own. */
export function ProviderCard({ capability, settings, options }: Props) {
  const queryClient = useQueryClient();
  const saved = useMemo(
    () => Object.fromEntries(settings.items.map((item) => [item.key, item])),
    [settings],
  );
  const [draft, setDraft] = useState<Draft>(() => draftFrom(settings.items));
  const previous = useRef(settings.items);
  useEffect(() => {
    setDraft((current) => rebase(current, previous.current, settings.items));
    previous.current = settings.items;
  }, [settings]);
  const [notice, setNotice] = useState<string | null>(null);
  const [checked, setChecked] = useState<{ result: CheckResult; unsaved: boolean } | null>(null);

  const provider = `${capability}_provider`;
  const fallback = `${capability}_fallback`;
  const primary = draft.values[provider] as Family;
  const backup = (draft.values[fallback] ?? "") as Family | "";
  const primaryFields = fieldsFor(capability, [primary]);
  // The fallback's own settings, those the primary does not share, under a heading of their own.
  const backupFields = fieldsFor(capability, [primary, backup]).slice(primaryFields.length);
  const { changes, problems } = formState(capability, draft, saved);
  const unsaved = Object.keys(changes).length > 0;
  const blocked = Object.keys(problems).length > 0;

  const save = useMutation({
    mutationFn: () => unwrap(api.PUT("/api/admin/settings", { body: { values: changes } })),
    onMutate: () => setNotice(null),
    onSuccess: (data) => {
      queryClient.setQueryData(PROVIDER_SETTINGS_KEY, data);
      setDraft(draftFrom(data.items));
      setNotice(`Сохранено. В работе: ${data.active[capability]}.`);
    },
  });
  const check = useMutation({
    mutationFn: () => unwrap(api.POST("/api/admin/settings/check", {
      body: { capability, values: changes },
    })),
    onMutate: () => setChecked(null),
    onSuccess: (result) => setChecked({ result, unsaved }),
  });

  const families = options.capabilities.find((c) => c.capability === capability)?.providers ?? [];
  const familyChoices = (withNone: boolean): Choice[] => [
    ...(withNone ? [{ value: "", label: "Нет" }] : []),
    ...families.map((family) => ({ value: family, label: FAMILY_LABELS[family] })),
  ];
  // An edit makes the last answers stale: they were about other values.
  const edited = () => {
    setNotice(null);
    setChecked(null);
  };
  const setValue = (key: string, value: string) => {
    edited();
    setDraft((current) => ({ ...current, values: { ...current.values, [key]: value } }));
  };
  const setSecret = (key: string, edit: SecretEdit) => {
    edited();
    setDraft((current) => ({ ...current, secrets: { ...current.secrets, [key]: edit } }));
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (unsaved && !blocked) save.mutate();
  };

  const fieldInput = (field: Field) => (
    <FieldInput
      key={field.key}
      field={field}
      options={options}
      draft={draft}
      mask={saved[field.key]?.value as string | null ?? null}
      error={problems[field.key]}
      onValue={(value) => setValue(field.key, value)}
      onSecret={(edit) => setSecret(field.key, edit)}
    />
  );

  const titleId = `${capability}-title`;
  return (
    <section className="card provider-card" aria-labelledby={titleId}>
      <div className="section-head">
        <h2 id={titleId}>{CAPABILITY_TITLES[capability]}</h2>
        <span className="meta">В работе: <code>{settings.active[capability]}</code></span>
      </div>
      <form className="provider-form" onSubmit={submit} noValidate>
        <div className="provider-fields">
          <Select
            label="Провайдер"
            hint={FAMILY_HINTS[primary]}
            value={primary}
            choices={familyChoices(false)}
            onChange={(value) => setValue(provider, value)}
          />
          <Select
            label="Запасной провайдер"
            hint="Отвечает, когда основной не смог."
            value={backup}
            choices={familyChoices(true).filter((choice) => choice.value !== primary)}
            onChange={(value) => setValue(fallback, value)}
          />
          {primaryFields.map(fieldInput)}
        </div>
        {backupFields.length > 0 && (
          <>
            <h3 className="provider-group">Запасной: {FAMILY_LABELS[backup as Family]}</h3>
            <div className="provider-fields">{backupFields.map(fieldInput)}</div>
          </>
        )}
        <div className="provider-actions">
          <button type="submit" className="btn btn-primary" disabled={!unsaved || blocked || save.isPending}>
            <Save size={18} aria-hidden="true" /> Сохранить
          </button>
          <button
            type="button"
            className="btn btn-ghost"
            disabled={blocked || check.isPending}
            onClick={() => check.mutate()}
          >
            <Activity size={18} aria-hidden="true" /> {check.isPending ? "Проверяем…" : "Проверить"}
          </button>
          {unsaved && <span className="meta">Есть несохранённые изменения</span>}
        </div>
        {save.isError && <ErrorMessage>{save.error.message}</ErrorMessage>}
        {notice && <p className="notice notice-success" role="status">{notice}</p>}
        {check.isError && <ErrorMessage>{check.error.message}</ErrorMessage>}
        {checked && <CheckOutcome {...checked} />}
      </form>
    </section>
  );
}

function CheckOutcome({ result, unsaved }: { result: CheckResult; unsaved: boolean }) {
  const what = [result.engine ?? result.provider, ...(unsaved ? ["проверено до сохранения"] : [])]
    .join(" · ");
  return (
    <div className="check-outcome">
      {result.ok ? (
        <p className="notice notice-success" role="status">Работает: {result.latency_ms} мс</p>
      ) : (
        <ErrorMessage>Проверка не прошла. {result.error?.message}</ErrorMessage>
      )}
      <p className="meta">{what}</p>
      {result.detail && (
        <p className="meta">
          {result.ok ? result.detail : <>Ответ сервиса: <code>{result.detail}</code></>}
        </p>
      )}
    </div>
  );
}

type FieldProps = {
  field: Field;
  options: ProviderOptions;
  draft: Draft;
  mask: string | null;
  error?: string;
  onValue: (value: string) => void;
  onSecret: (edit: SecretEdit) => void;
};

function FieldInput({ field, options, draft, mask, error, onValue, onSecret }: FieldProps) {
  const value = draft.values[field.key] ?? "";
  if (field.kind === "secret") {
    return (
      <SecretField
        label={field.label}
        mask={mask}
        edit={draft.secrets[field.key] ?? { mode: "keep" }}
        onChange={onSecret}
        error={error}
      />
    );
  }
  if (field.kind === "select" && field.choices) {
    return (
      <Select label={field.label} hint={field.hint} value={value} choices={field.choices(options)} onChange={onValue} />
    );
  }
  return (
    <TextField
      label={field.label}
      hint={field.hint}
      error={error}
      type={field.kind === "url" ? "url" : "text"}
      inputMode={field.kind === "url" ? "url" : undefined}
      spellCheck={false}
      autoComplete="off"
      value={value}
      onChange={(event) => onValue(event.target.value)}
    />
  );
}

type SelectProps = {
  label: string;
  hint?: string;
  value: string;
  choices: Choice[];
  onChange: (value: string) => void;
};

function Select({ label, hint, value, choices, onChange }: SelectProps) {
  const id = useId();
  // A stored value the list does not offer (an older model, a fake in production) stays shown.
  const all = choices.some((choice) => choice.value === value) ? choices : [{ value, label: value }, ...choices];
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value}
        aria-describedby={hint ? `${id}-note` : undefined}
        onChange={(event) => onChange(event.target.value)}
      >
        {all.map((choice) => <option key={choice.value} value={choice.value}>{choice.label}</option>)}
      </select>
      {hint && <p id={`${id}-note`} className="field-note">{hint}</p>}
    </div>
  );
}
