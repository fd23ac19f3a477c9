import type { Schemas } from "../api/client";
import { ADMIN_KEY } from "./queries";

export type Capability = Schemas["ProviderCheckRequest"]["capability"];
export type Family = Schemas["CapabilityOptions"]["providers"][number];
export type ProviderOptions = Schemas["ProviderOptions"];
export type SettingItem = Schemas["SettingItem"];
export type CheckResult = Schemas["ProviderCheckResult"];

export const PROVIDER_SETTINGS_KEY = [...ADMIN_KEY, "provider-settings"] as const;
export const PROVIDER_OPTIONS_KEY = [...ADMIN_KEY, "provider-options"] as const;

export const CAPABILITIES: readonly Capability[] = ["stt", "llm", "tts"];

export const CAPABILITY_TITLES: Record<Capability, string> = {
  stt: "Распознавание речи",
  llm: "Языковая модель",
  tts: "Синтез речи",
};

export const FAMILY_LABELS: Record<Family, string> = {
  local: "Локально, на этом сервере",
  openai: "OpenAI-совместимый",
  yandex: "Yandex SpeechKit",
  fake: "Тестовый (без модели)",
};

export const FAMILY_HINTS: Record<Family, string> = {
  local: "Модели с этого сервера: без сети и без платы за запросы.",
  openai: "OpenAI или любой сервер с тем же API: llama.cpp, vLLM, Ollama.",
  yandex: "Облако Yandex: нужен API-ключ.",
  fake: "Заготовленные ответы для разработки и тестов.",
};

type Choice = { value: string; label: string };

export type Field = {
  key: string;
  label: string;
  kind: "text" | "url" | "select" | "secret";
  hint?: string;
  /** Empty is allowed (sent as null: no value). */
  optional?: boolean;
  choices?: (options: ProviderOptions) => Choice[];
};

const notInstalled = (installed: boolean) => (installed ? "" : " · не установлен");

function localModels(kind: Capability) {
  return (options: ProviderOptions): Choice[] => options.local_models
    .filter((model) => model.kind === kind)
    .map((model) => ({
      value: model.name,
      label: `${model.name} · ${model.size_mb} МБ${model.installed ? "" : " · не скачана"}`,
    }));
}

function voices(pick: (voices: Schemas["ProviderVoices"]) => Schemas["VoiceOption"][], language?: string) {
  return (options: ProviderOptions): Choice[] => pick(options.voices)
    .filter((voice) => !language || voice.languages.includes(language))
    .map((voice) => ({ value: voice.name, label: `${voice.name}${notInstalled(voice.installed ?? true)}` }));
}

const SHARED = "Общий для всех возможностей, что идут через этот сервис.";
const OPENAI_URL: Field = { key: "openai_base_url", label: "Адрес сервиса (base URL)", kind: "url", hint: SHARED };
const OPENAI_KEY: Field = { key: "openai_api_key", label: "API-ключ", kind: "secret" };
const YANDEX_KEY: Field = { key: "yandex_api_key", label: "API-ключ Yandex Cloud", kind: "secret" };
const YANDEX_FOLDER: Field = {
  key: "yandex_folder_id", label: "Каталог (folder ID)", kind: "text", optional: true,
  hint: "Нужен, только если у аккаунта ключа несколько каталогов.",
};

/** The settings of each family, per capability, in the order of the form. */
const FAMILY_FIELDS: Record<Capability, Partial<Record<Family, Field[]>>> = {
  stt: {
    local: [{ key: "local_stt_model", label: "Модель", kind: "select", choices: localModels("stt") }],
    openai: [OPENAI_URL, OPENAI_KEY, { key: "openai_stt_model", label: "Модель", kind: "text" }],
    yandex: [{ key: "yandex_stt_url", label: "Адрес распознавания", kind: "url" }, YANDEX_KEY, YANDEX_FOLDER],
  },
  llm: {
    local: [{ key: "local_llm_model", label: "Модель", kind: "select", choices: localModels("llm") }],
    openai: [OPENAI_URL, OPENAI_KEY, { key: "openai_llm_model", label: "Модель", kind: "text" }],
  },
  tts: {
    local: [
      { key: "local_tts_voice", label: "Голос (английский)", kind: "select", choices: voices((v) => v.local) },
      { key: "local_ru_tts_voice", label: "Голос (русский)", kind: "select", choices: voices((v) => v.local_ru) },
    ],
    openai: [
      OPENAI_URL, OPENAI_KEY,
      { key: "openai_tts_model", label: "Модель", kind: "text" },
      { key: "openai_tts_voice", label: "Голос", kind: "select", choices: voices((v) => v.openai) },
    ],
    yandex: [
      { key: "yandex_tts_url", label: "Адрес синтеза", kind: "url" }, YANDEX_KEY, YANDEX_FOLDER,
      { key: "yandex_voice_en", label: "Голос (английский)", kind: "select", choices: voices((v) => v.yandex, "en") },
      { key: "yandex_voice_ru", label: "Голос (русский)", kind: "select", choices: voices((v) => v.yandex, "ru") },
    ],
  },
};

/** The URLs each key is sent to: a key is bound to their hosts (as the server binds it). */
export const KEY_URLS: Record<string, string[]> = {
  openai_api_key: ["openai_base_url"],
  yandex_api_key: ["yandex_stt_url", "yandex_tts_url"],
};

/** The fields of the families a capability uses (primary, then fallback), each once. */
export function fieldsFor(capability: Capability, families: (Family | "")[]): Field[] {
  const seen = new Set<string>();
  return families.flatMap((family) => (family ? FAMILY_FIELDS[capability][family] ?? [] : []))
    .filter((field) => !seen.has(field.key) && Boolean(seen.add(field.key)));
}

/** A stored value as the form holds it ("" for none). */
export function asText(value: unknown): string {
  return value === null || value === undefined ? "" : String(value);
}

/** `scheme://host:port`, what a key is bound to; the text itself if it is no URL. */
export function originOf(url: string): string {
  try {
    const parsed = new URL(url.trim());
    const port = parsed.port || (parsed.protocol === "https:" ? "443" : parsed.protocol === "http:" ? "80" : "");
    return `${parsed.protocol}//${parsed.hostname}:${port}`;
  } catch {
    return url.trim();
  }
}

export type SecretEdit = { mode: "keep" } | { mode: "replace"; value: string } | { mode: "remove" };

export type Draft = { values: Record<string, string>; secrets: Record<string, SecretEdit> };

export function draftFrom(items: SettingItem[]): Draft {
  const values: Record<string, string> = {};
  const secrets: Record<string, SecretEdit> = {};
  for (const item of items) {
    if (item.is_secret) secrets[item.key] = { mode: "keep" };
    else values[item.key] = asText(item.value);
  }
  return { values, secrets };
}

export type FormState = {
  /** What saving (or checking) sends: the visible fields that differ from the stored ones. */
  changes: Record<string, unknown>;
  /** Field key -> what is wrong with it, in Russian. */
  problems: Record<string, string>;
};

export function formState(
  capability: Capability, draft: Draft, saved: Record<string, SettingItem>,
): FormState {
  const provider = `${capability}_provider`;
  const fallback = `${capability}_fallback`;
  const fields = fieldsFor(capability, [draft.values[provider] as Family, draft.values[fallback] as Family | ""]);
  const changes: Record<string, unknown> = {};
  const problems: Record<string, string> = {};
  for (const key of [provider, fallback]) {
    if (draft.values[key] !== asText(saved[key]?.value)) changes[key] = draft.values[key] || null;
  }
  for (const field of fields) {
    if (field.kind === "secret") {
      const edit = draft.secrets[field.key] ?? { mode: "keep" };
      const moved = (KEY_URLS[field.key] ?? []).some(
        (url) => originOf(draft.values[url] ?? "") !== originOf(asText(saved[url]?.value)),
      );
      if (edit.mode === "replace") {
        if (edit.value.trim()) changes[field.key] = edit.value.trim();
        else problems[field.key] = "Введите ключ.";
      } else if (edit.mode === "remove") {
        changes[field.key] = null;
      } else if (moved && saved[field.key]?.value) {
        problems[field.key] = "Адрес сервиса изменился: введите ключ для нового адреса заново "
          + "или удалите его. Сохранённый ключ на другой адрес не отправляется.";
      }
      continue;
    }
    const value = draft.values[field.key] ?? "";
    if (value === asText(saved[field.key]?.value)) continue;
    if (!value.trim() && !field.optional) problems[field.key] = "Заполните поле.";
    changes[field.key] = value.trim() || null;
  }
  return { changes, problems };
}

/** `draft` on top of newly stored settings: what the admin edited stays, the rest follows the
 * store (another card saved, or another admin). */
export function rebase(draft: Draft, before: SettingItem[], after: SettingItem[]): Draft {
  const old = new Map(before.map((item) => [item.key, item]));
  const next = draftFrom(after);
  for (const [key, value] of Object.entries(draft.values)) {
    if (value !== asText(old.get(key)?.value)) next.values[key] = value;
  }
  for (const [key, edit] of Object.entries(draft.secrets)) {
    if (edit.mode !== "keep") next.secrets[key] = edit;
  }
  return next;
}
