import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { Schemas, UserPublic } from "../api/client";
import { json, renderApp, requestsTo, student } from "../test/app";

const admin: UserPublic = { ...student, id: 1, email: "boss@example.com", name: "Ольга", role: "admin" };
const period = { since: "2026-11-10", until: "2026-11-11", days: 2 };
const days = ["2026-11-10", "2026-11-11"] as const;

const activity: Schemas["Activity"] = {
  period,
  days: days.map((day, i) => ({ day, active_students: 2 - i, registrations: 3 * (1 - i),
    lessons: 2 - i, turns: 1_500 - i })),
  totals: { active_students: 2, registrations: 3, lessons: 3, turns: 2_999 },
};

const money: Schemas["Money"] = {
  period,
  days: days.map((day, i) => ({ day, voice_minutes: 1_200 * (1 - i),
    revenue_kopecks: 165_000 * i, refunds_kopecks: 0 })),
  totals: { voice_minutes: 1_200, revenue_kopecks: 195_000, refunds_kopecks: 30_000,
    net_kopecks: 165_000 },
  conversion: { registered: 3, paid: 1, rate_percent: 33.3 },
};

const errors: Schemas["Errors"] = {
  period,
  categories: [
    { category: "articles", live: 2, analysis: 1, total: 3 },
    { category: "tense", live: 1, analysis: 0, total: 1 },
  ],
  total: 4,
};

const quantiles = (p50: number | null, p95: number | null, turns: number) =>
  ({ p50_ms: p50, p95_ms: p95, turns });
const latency: Schemas["Latency"] = {
  period,
  stages: [
    { stage: "end_to_first_audio", period: quantiles(640, 1_250, 5),
      days: [{ day: days[0], ...quantiles(200, 400, 4) }, { day: days[1], ...quantiles(null, null, 0) }] },
    { stage: "stt", period: quantiles(80, 120, 2),
      days: days.map((day) => ({ day, ...quantiles(80, 120, 1) })) },
    { stage: "first_audio", period: quantiles(null, null, 0),
      days: days.map((day) => ({ day, ...quantiles(null, null, 0) })) },
  ],
};

const providers: Schemas["Providers"] = {
  period,
  providers: [
    { capability: "stt", name: "local:whisper", turns: 3 },
    { capability: "llm", name: "local:llama", turns: 3 },
    { capability: "llm", name: "openai:gpt-4o-mini", turns: 1 },
  ],
};

function replies(overrides: Record<string, () => Response> = {}) {
  return {
    "GET /api/auth/me": () => json(200, admin),
    "GET /api/admin/analytics/activity": () => json(200, activity),
    "GET /api/admin/analytics/money": () => json(200, money),
    "GET /api/admin/analytics/errors": () => json(200, errors),
    "GET /api/admin/analytics/latency": () => json(200, latency),
    "GET /api/admin/analytics/providers": () => json(200, providers),
    ...overrides,
  };
}

function tile(label: string): string {
  const term = screen.getByText(label, { selector: "dt" });
  return term.parentElement!.querySelector("dd")!.textContent!.replace(/\s/g, " ");
}

/** A chart by its description (ru-RU numbers: no-break spaces read as spaces). */
function chart(description: string): HTMLElement {
  return screen.getByRole("img", { name: (name) => name.replace(/\s/g, " ") === description });
}

beforeAll(() => {
  // jsdom has no layout: give the charts a size to draw in.
  vi.stubGlobal("ResizeObserver", class {
    observe() {}
    unobserve() {}
    disconnect() {}
  });
});

describe("Обзор", () => {
  it("is the admin's landing screen: the period's figures, charts and providers", async () => {
    renderApp("/admin", replies());
    // The first render loads the charts' code: slow on a busy machine.
    expect(await screen.findByRole("heading", { name: "Обзор", level: 1 }, { timeout: 15_000 }))
      .toBeTruthy();
    const menu = screen.getByRole("navigation", { name: "Разделы админ-панели" });
    expect(within(menu).getAllByRole("link")[0]?.textContent?.trim()).toBe("Обзор");
    expect(screen.getByText("Все даты и дни — по UTC.")).toBeTruthy();
    await waitFor(() => expect(tile("Реплик учеников")).toBe("2 999"));
    expect(tile("Активных учеников")).toBe("2");
    expect(tile("Регистраций")).toBe("3");
    expect(tile("Голосовых минут")).toBe("1 200");
    expect(tile("Выручка")).toBe("1 650 ₽возвраты: 300 ₽");
    expect(tile("Пробный → платный")).toBe("33,3 %1 из 3 новых");
    expect(tile("До первого звука, p50")).toBe("640 мсp95: 1 250 мс");
    expect(chart("Активных учеников: 2, регистраций: 3")).toBeTruthy();
    expect(chart("Минут: 1 200, выручка: 1 650 ₽")).toBeTruthy();
    expect(chart("Ошибок: 4; Артикли: 3, Времена: 1")).toBeTruthy();
    expect(chart("p50 640 мс, p95 1 250 мс за период")).toBeTruthy();
    // Stages nobody measured are left out of the breakdown.
    expect(chart("Конец речи → первый звук: p50 640 мс, p95 1 250 мс; "
      + "Распознавание речи: p50 80 мс, p95 120 мс")).toBeTruthy();
    const shares = screen.getByRole("region", { name: "Провайдеры по репликам" });
    expect(within(shares).getByText("openai:gpt-4o-mini").nextSibling?.textContent
      ?.replace(/\s/g, " ")).toBe("25 % · 1");
    expect(within(shares).queryByText("Синтез речи")).toBeNull();
    expect(new URL(requestsTo("GET /api/admin/analytics/money")[0]!.url).searchParams.get("days"))
      .toBe("30");
  }, 20_000);

  it("asks for the period chosen: the last days or two dates", async () => {
    const user = userEvent.setup();
    renderApp("/admin/overview", replies());
    await user.click(await screen.findByRole("button", { name: "7 дней" }));
    await waitFor(() => {
      const last = new URL(requestsTo("GET /api/admin/analytics/latency").at(-1)!.url);
      expect(last.searchParams.get("days")).toBe("7");
    });
    expect(screen.getByRole("button", { name: "7 дней" }).getAttribute("aria-pressed")).toBe("true");
    await user.type(screen.getByLabelText("С"), "2026-11-01");
    await user.type(screen.getByLabelText("По"), "2026-11-20");
    await user.click(screen.getByRole("button", { name: "Показать" }));
    await waitFor(() => {
      const last = new URL(requestsTo("GET /api/admin/analytics/errors").at(-1)!.url);
      expect([last.searchParams.get("since"), last.searchParams.get("until")])
        .toEqual(["2026-11-01", "2026-11-20"]);
      expect(last.searchParams.get("days")).toBeNull();
    });
  }, 20_000);

  it("says so when the period is empty, and shows the server's refusal", async () => {
    const quiet = {
      "GET /api/admin/analytics/activity": () => json(200, { ...activity,
        days: activity.days.map((d) => ({ ...d, active_students: 0, registrations: 0,
          lessons: 0, turns: 0 })),
        totals: { active_students: 0, registrations: 0, lessons: 0, turns: 0 } }),
      "GET /api/admin/analytics/money": () => json(200, { ...money,
        days: money.days.map((d) => ({ ...d, voice_minutes: 0, revenue_kopecks: 0 })),
        totals: { voice_minutes: 0, revenue_kopecks: 0, refunds_kopecks: 0, net_kopecks: 0 },
        conversion: { registered: 0, paid: 0, rate_percent: 0 } }),
      "GET /api/admin/analytics/errors": () => json(200, { period, categories: [], total: 0 }),
      "GET /api/admin/analytics/providers": () => json(200, { period, providers: [] }),
      "GET /api/admin/analytics/latency": () => json(422, { error: {
        code: "analytics_period_invalid", message: "Начало периода позже его конца." } }),
    };
    renderApp("/admin/overview", replies(quiet));
    expect(await screen.findByText(/не было ни учеников, ни оплат/)).toBeTruthy();
    expect(screen.getAllByText("За этот период данных нет.").length).toBeGreaterThanOrEqual(4);
    expect(await screen.findByText("Начало периода позже его конца.")).toBeTruthy();
  }, 20_000);
});
