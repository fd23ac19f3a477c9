import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { Schemas, UserPublic } from "../api/client";
import { json, renderApp, sentRequests, student } from "../test/app";

const admin: UserPublic = { ...student, id: 1, email: "boss@example.com", name: "Ольга", role: "admin" };

const STORED: Record<string, unknown> = {
  stt_provider: "fake", llm_provider: "fake", tts_provider: "fake",
  stt_fallback: null, llm_fallback: null, tts_fallback: null,
  local_stt_model: "whisper-base", local_llm_model: "qwen2.5-coder-1.5b",
  local_tts_voice: "piper-joe", local_ru_tts_voice: "festival-ru",
  openai_base_url: "https://api.openai.com/v1", openai_api_key: "…abcd",
  openai_stt_model: "whisper-1", openai_llm_model: "gpt-4o-mini", openai_tts_model: "tts-1",
  openai_tts_voice: "alloy", yandex_api_key: null, yandex_folder_id: null,
  yandex_stt_url: "https://stt.example/recognize", yandex_tts_url: "https://tts.example/synthesize",
  yandex_voice_ru: "alena", yandex_voice_en: "john",
};

function settings(changes: Record<string, unknown> = {}): Schemas["ProviderSettingsPublic"] {
  const values = { ...STORED, ...changes };
  return {
    items: Object.entries(values).map(([key, value]) => ({
      key, value, is_secret: key.endsWith("_api_key"), overridden: key in changes,
    })),
    active: { stt: "fake:stt", llm: values.llm_provider === "openai" ? "openai:gpt-4o-mini" : "fake:llm", tts: "fake:tts" },
  };
}

const voice = (name: string, languages = ["en", "ru"], installed = true) => ({ name, languages, installed });

const options: Schemas["ProviderOptions"] = {
  capabilities: [
    { capability: "stt", providers: ["local", "openai", "yandex", "fake"] },
    { capability: "llm", providers: ["local", "openai", "fake"] },
    { capability: "tts", providers: ["local", "openai", "yandex", "fake"] },
  ],
  local_models: [
    { name: "qwen2.5-coder-1.5b", kind: "llm", description: "Qwen 1.5B", languages: ["en"], size_mb: 1100, installed: true },
    { name: "smollm2-135m", kind: "llm", description: "SmolLM2", languages: ["en"], size_mb: 90, installed: false },
  ],
  voices: {
    openai: ["alloy", "echo", "fable", "onyx", "nova", "shimmer"].map((name) => voice(name)),
    yandex: [voice("alena", ["ru"]), voice("john", ["en"])],
    local: [voice("piper-joe", ["en"])],
    local_ru: [voice("espeak-ru", ["ru"], false), voice("festival-ru", ["ru"])],
  },
};

const checked: Schemas["ProviderCheckResult"] = {
  capability: "llm", ok: true, provider: "openai", engine: "openai:gpt-4o-mini", model: "gpt-4o-mini",
  latency_ms: 120, detail: "Ответ модели: «Hello!»", error: null,
};

const screenReplies = {
  "GET /api/auth/me": () => json(200, admin),
  "GET /api/admin/settings": () => json(200, settings()),
  "GET /api/admin/settings/options": () => json(200, options),
};

async function languageModelCard() {
  return within(await screen.findByRole("region", { name: "Языковая модель" }));
}

describe("Провайдеры", () => {
  it("shows a card per capability with the engine in force and a stored key only as its mask", async () => {
    const user = userEvent.setup();
    renderApp("/admin/providers", screenReplies);
    for (const title of ["Распознавание речи", "Языковая модель", "Синтез речи"]) {
      expect(await screen.findByRole("region", { name: title })).toBeTruthy();
    }
    const card = await languageModelCard();
    expect(card.getByText("fake:llm")).toBeTruthy();
    await user.selectOptions(card.getByLabelText("Провайдер"), "openai");
    expect(card.getByText("Сохранён: …abcd")).toBeTruthy();
    expect(card.getByRole("button", { name: "Изменить: API-ключ" })).toBeTruthy();
    expect(card.getByRole("button", { name: "Удалить: API-ключ" })).toBeTruthy();
    expect(card.queryByLabelText("API-ключ")).toBeNull(); // no input holding a value
    await user.selectOptions(card.getByLabelText("Провайдер"), "local");
    const model = card.getByLabelText("Модель") as HTMLSelectElement;
    expect([...model.options].map((o) => o.text)).toEqual([
      "qwen2.5-coder-1.5b · 1100 МБ", "smollm2-135m · 90 МБ · не скачана",
    ]);
    await user.selectOptions(card.getByLabelText("Запасной провайдер"), "openai");
    expect(card.getByRole("heading", { name: "Запасной: OpenAI-совместимый" })).toBeTruthy();
    expect(card.getByLabelText("Адрес сервиса (base URL)")).toBeTruthy();
  });

  it("asks for the key again when the address changes, then checks before saving", async () => {
    const user = userEvent.setup();
    renderApp("/admin/providers", {
      ...screenReplies,
      "POST /api/admin/settings/check": () => json(200, checked),
    });
    const card = await languageModelCard();
    await user.selectOptions(card.getByLabelText("Провайдер"), "openai");
    const address = card.getByLabelText("Адрес сервиса (base URL)");
    await user.clear(address);
    await user.type(address, "http://127.0.0.1:8080/v1");
    expect(card.getByText(/Адрес сервиса изменился: введите ключ для нового адреса/)).toBeTruthy();
    expect((card.getByRole("button", { name: "Сохранить" }) as HTMLButtonElement).disabled).toBe(true);
    expect((card.getByRole("button", { name: "Проверить" }) as HTMLButtonElement).disabled).toBe(true);

    await user.click(card.getByRole("button", { name: "Изменить: API-ключ" }));
    await user.type(card.getByLabelText("API-ключ"), "sk-local");
    expect(card.queryByText(/Адрес сервиса изменился/)).toBeNull();
    await user.click(card.getByRole("button", { name: "Проверить" }));
    expect(await card.findByText("Работает: 120 мс")).toBeTruthy();
    expect(card.getByText("openai:gpt-4o-mini · проверено до сохранения")).toBeTruthy();
    expect(card.getByText("Ответ модели: «Hello!»")).toBeTruthy();
    const sent = await sentRequests();
    expect(sent.find((r) => r.key === "POST /api/admin/settings/check")?.body).toEqual({
      capability: "llm",
      values: { llm_provider: "openai", openai_base_url: "http://127.0.0.1:8080/v1", openai_api_key: "sk-local" },
    });
  });

  it("shows a failing provider's error in Russian with its own words", async () => {
    const user = userEvent.setup();
    renderApp("/admin/providers", {
      ...screenReplies,
      "POST /api/admin/settings/check": () => json(200, {
        ...checked, ok: false, latency_ms: null, detail: "POST /chat/completions: HTTP 401",
        error: { code: "provider_auth_failed", message: "Сервис не принял ключ: проверьте API-ключ." },
      }),
    });
    const card = await languageModelCard();
    await user.click(card.getByRole("button", { name: "Проверить" }));
    expect((await card.findByRole("alert")).textContent)
      .toContain("Проверка не прошла. Сервис не принял ключ: проверьте API-ключ.");
    expect(card.getByText("POST /chat/completions: HTTP 401")).toBeTruthy();
  });

  it("saves only what changed, a removed key as null, and shows the server's refusal", async () => {
    const user = userEvent.setup();
    let refuse = true;
    renderApp("/admin/providers", {
      ...screenReplies,
      "PUT /api/admin/settings": () => refuse
        ? json(422, { error: { code: "invalid_setting", message: "Настройки не подходят: нет ключа." } })
        : json(200, settings({ llm_provider: "openai", openai_api_key: null })),
    });
    const card = await languageModelCard();
    await user.selectOptions(card.getByLabelText("Провайдер"), "openai");
    await user.click(card.getByRole("button", { name: "Удалить: API-ключ" }));
    expect(card.getByText("Будет удалён при сохранении")).toBeTruthy();
    await user.click(card.getByRole("button", { name: "Сохранить" }));
    expect((await card.findByRole("alert")).textContent).toContain("Настройки не подходят: нет ключа.");

    refuse = false;
    await user.click(card.getByRole("button", { name: "Сохранить" }));
    expect(await card.findByText("Сохранено. В работе: openai:gpt-4o-mini.")).toBeTruthy();
    const puts = (await sentRequests()).filter((r) => r.key === "PUT /api/admin/settings");
    expect(puts.at(-1)?.body).toEqual({ values: { llm_provider: "openai", openai_api_key: null } });
    await waitFor(() => expect(card.getByLabelText("API-ключ")).toBeTruthy()); // none stored now
    expect((card.getByRole("button", { name: "Сохранить" }) as HTMLButtonElement).disabled).toBe(true);
  });
});
