import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { Schemas, UserPublic } from "../api/client";
import { json, renderApp, requestsTo, sentRequests, student } from "../test/app";

const admin: UserPublic = { ...student, id: 1, email: "boss@example.com", name: "Ольга", role: "admin" };

const anna: Schemas["AdminUserRow"] = {
  id: 7, email: "anna@example.com", name: "Анна", role: "student", status: "active",
  created_at: "2025-01-15T10:00:00Z", last_login_at: "2025-02-01T09:30:00Z", balance_kopecks: 29_500,
};

const detail: Schemas["StudentDetail"] = {
  account: anna,
  open_sign_ins: 2,
  voice_sessions_here: 1,
  voice_minutes: 30,
  profile: { level: "A2", native_language: "ru", goals: ["travel"], interests: [],
    explain_in_russian: true },
  learning: { xp: 120, streak_days: 3, longest_streak_days: 5, last_active_on: "2025-02-01",
    lessons_completed: 4, level_estimate: "B1" },
  wallet: { balance_kopecks: 29_500, minutes_left: 59, price_per_minute_kopecks: 500,
    low_balance: false },
  weak_words: 1,
  known_words: 0,
};

const studentPage = {
  "GET /api/auth/me": () => json(200, admin),
  "GET /api/admin/users/7": () => json(200, detail),
  "GET /api/admin/billing/transactions": () => json(200, { items: [], total: 0 }),
  "GET /api/admin/users/7/lessons": () => json(200, {
    items: [{ id: 3, number: 1, status: "ended", started_at: "2025-02-01T09:00:00Z",
      ended_at: "2025-02-01T09:10:00Z", turn_count: 2, xp_earned: 10, summary: null }],
    total: 1,
  }),
  "GET /api/admin/users/7/lessons/3": () => json(200, {
    id: 3, number: 1, status: "ended", started_at: "2025-02-01T09:00:00Z", ended_at: null,
    turn_count: 2, xp_earned: 10, summary: null,
    turns: [{ id: 11, seq: 1, role: "student", text: "I goed home", corrections: [],
      timings: { stt: 212.4 }, interrupted: false, created_at: "2025-02-01T09:01:00Z" }],
  }),
  "GET /api/admin/users/7/words": () => json(200, {
    items: [{ word: "went", status: "weak", times_used: 2, times_correct: 1, times_wrong: 1,
      due_at: "2025-02-03T10:00:00Z", last_seen_at: null }],
    total: 1,
  }),
  "GET /api/admin/users/7/rules": () => json(200, [{ id: 1, scope: "student", level: null,
    student_id: 7, student_label: "Анна (anna@example.com)", trigger: "tense",
    instruction: "Recast with the right tense.", priority: 4, enabled: true, source: "brain",
    created_by: null, evidence_count: 3, created_at: "2025-02-01T09:00:00Z", expires_at: null,
    in_prompt: true }]),
  "GET /api/admin/users/7/brain-events": () => json(200, { items: [], total: 0 }),
};

describe("admin panel", () => {
  it("has its own menu of the screens that exist, and searches users", async () => {
    const user = userEvent.setup();
    renderApp("/admin/users", {
      "GET /api/auth/me": () => json(200, admin),
      "GET /api/admin/users": () => json(200, { items: [anna], total: 1 }),
    });
    const menu = await screen.findByRole("navigation", { name: "Разделы админ-панели" });
    expect(within(menu).getAllByRole("link").map((link) => link.textContent?.trim()))
      .toEqual(["Обзор", "Пользователи", "Мониторинг", "Правила", "Биллинг", "Провайдеры", "Журнал"]);
    const link = await screen.findByRole("link", { name: "Анна" });
    expect(link.getAttribute("href")).toBe("/admin/users/7");
    await user.type(screen.getByLabelText("Имя или email"), "анна");
    await user.selectOptions(screen.getByLabelText("Статус"), "blocked");
    await waitFor(() => {
      const last = new URL(requestsTo("GET /api/admin/users").at(-1)!.url);
      expect(last.searchParams.get("q")).toBe("анна");
      expect(last.searchParams.get("status")).toBe("blocked");
      expect(last.searchParams.get("offset")).toBe("0");
    });
  });

  it("shows a student's page and blocks them with a reason", async () => {
    const user = userEvent.setup();
    renderApp("/admin/users/7", {
      ...studentPage,
      "POST /api/admin/users/7/block": () => json(200, { ...anna, status: "blocked" }),
    });
    expect(await screen.findByRole("heading", { name: "Анна" })).toBeTruthy();
    expect(await screen.findByText("Recast with the right tense.")).toBeTruthy();
    expect(await screen.findByText("went")).toBeTruthy();
    await user.click(await screen.findByRole("button", { name: "Реплики и задержки" }));
    expect(await screen.findByText("stt 212 мс")).toBeTruthy();

    await user.type(screen.getByLabelText("Причина блокировки (для журнала)"), "Спам");
    await user.click(screen.getByRole("button", { name: "Заблокировать" }));
    expect((await screen.findByRole("status")).textContent).toContain("Аккаунт заблокирован");
    const sent = await sentRequests();
    expect(sent.find((r) => r.key === "POST /api/admin/users/7/block")?.body)
      .toEqual({ reason: "Спам" });
  });

  it("shows the server's refusal of a role change", async () => {
    const user = userEvent.setup();
    renderApp("/admin/users/7", {
      ...studentPage,
      "PUT /api/admin/users/7/role": () => json(409, { error: { code: "last_admin",
        message: "Это последний администратор: сначала назначьте другого." } }),
    });
    await user.selectOptions(await screen.findByLabelText("Роль"), "admin");
    await user.click(screen.getByRole("button", { name: "Сменить роль" }));
    expect((await screen.findByRole("alert")).textContent).toContain("последний администратор");
  });

  it("adjusts the balance with a reason and one idempotency key", async () => {
    const user = userEvent.setup();
    renderApp("/admin/users/7", {
      ...studentPage,
      "POST /api/admin/billing/adjustments": () => json(201, {}),
    });
    await user.type(await screen.findByLabelText("Сумма, ₽ (минус списывает)"), "-12,5");
    await user.type(screen.getByLabelText("Причина"), "Ошибка списания");
    await user.click(screen.getByRole("button", { name: "Изменить баланс" }));
    await waitFor(() => expect(requestsTo("POST /api/admin/billing/adjustments")).toHaveLength(1));
    const request = requestsTo("POST /api/admin/billing/adjustments")[0]!;
    expect(request.headers.get("Idempotency-Key")).toMatch(/^[0-9a-f-]{36}$/);
    expect(await request.json()).toEqual({ user_id: 7, amount_kopecks: -1250, reason: "Ошибка списания" });
  });

  it("lists the journal with what changed, a key only as changed", async () => {
    renderApp("/admin/audit", {
      "GET /api/auth/me": () => json(200, admin),
      "GET /api/admin/audit": () => json(200, {
        total: 2,
        actions: ["user.blocked", "providers.settings_changed"],
        items: [
          { id: 2, created_at: "2025-02-01T10:00:00Z", actor_id: 1, actor_email: "boss@example.com",
            action: "providers.settings_changed", target_type: "providers", target_id: null,
            target_label: "Провайдеры", reason: null,
            changes: { openai_api_key: { to: "changed" }, llm_provider: { from: "local", to: "openai" } } },
          { id: 1, created_at: "2025-02-01T09:00:00Z", actor_id: 1, actor_email: "boss@example.com",
            action: "user.blocked", target_type: "user", target_id: 7, target_label: "anna@example.com",
            reason: "Спам", changes: { status: { from: "active", to: "blocked" } } },
        ],
      }),
    });
    const list = await screen.findByRole("list", { name: "Записи журнала" });
    expect(within(list).getByText("openai_api_key: изменён")).toBeTruthy();
    expect(within(list).getByText("llm_provider: local → openai")).toBeTruthy();
    expect(within(list).getByText("статус: Активен → Заблокирован")).toBeTruthy();
    const target = within(list).getByRole("link", { name: "anna@example.com" });
    expect(target.getAttribute("href")).toBe("/admin/users/7");
    expect(within(list).getByText("Причина: Спам")).toBeTruthy();
  });

  it("sends a student who opens /admin back to their page", async () => {
    renderApp("/admin/users", {
      "GET /api/auth/me": () => json(200, student),
      "GET /api/billing/balance": () => json(200, {}),
      "GET /api/tutor/lessons": () => json(200, { items: [], total: 0 }),
    });
    expect(await screen.findByRole("navigation", { name: "Основное меню" })).toBeTruthy();
    expect(screen.queryByRole("navigation", { name: "Разделы админ-панели" })).toBeNull();
  });
});
