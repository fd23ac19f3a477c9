import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { Schemas, UserPublic } from "../../api/client";
import { json, renderApp, requestsTo, sentRequests, student } from "../../test/app";
import { dayStart } from "../period";

const admin: UserPublic = { ...student, id: 1, email: "boss@example.com", name: "Ольга", role: "admin" };

const rules: Schemas["BillingRules"] = {
  price_per_minute_kopecks: 500,
  trial_minutes: 60,
  referral_bonus_referrer_kopecks: 15_000,
  referral_bonus_referred_kopecks: 15_000,
  low_balance_warning_minutes: 1,
};

const start: Schemas["AdminPackagePublic"] = {
  id: 1, name: "Старт", minutes: 60, discount_percent: 0, price_kopecks: 30_000,
  is_active: true, sort_order: 1,
};
const big: Schemas["AdminPackagePublic"] = {
  id: 3, name: "Марафон", minutes: 1000, discount_percent: 20, price_kopecks: 400_000,
  is_active: false, sort_order: 3,
};

const purchase: Schemas["AdminTransactionRow"] = {
  id: 41, kind: "purchase", amount_kopecks: 30_000, balance_after_kopecks: 60_000,
  description: "Пакет «Старт», 60 мин", created_at: "2026-12-01T09:30:00Z", user_id: 7,
  created_by_id: null, payment_id: 12, usage_session_id: null, user_email: "anna@example.com",
  user_name: "Анна", refunded: false,
};
const usage: Schemas["AdminTransactionRow"] = {
  ...purchase, id: 42, kind: "usage_charge", amount_kopecks: -500, balance_after_kopecks: 59_500,
  description: "", payment_id: null, usage_session_id: 3,
};

const base = {
  "GET /api/auth/me": () => json(200, admin),
  "GET /api/admin/billing/rules": () => json(200, rules),
};

// Each test clicks and types through a whole tab: on two busy cores that outlasts the 5 s default.
const LONG = 30_000;

describe("the admin's billing screen", () => {
  it("lists packages with their price per minute, checks a new one and retires only after a confirmation", async () => {
    const user = userEvent.setup();
    renderApp("/admin/billing", {
      ...base,
      "GET /api/admin/billing/packages": () => json(200, [start, big]),
      "POST /api/admin/billing/packages": () => json(201, { ...start, id: 5, name: "Разговор" }),
      "DELETE /api/admin/billing/packages/1": () => new Response(null, { status: 204 }),
    });
    const card = await screen.findByRole("article", { name: "Старт" });
    expect(card.textContent).toContain("60\u00a0минут");
    expect(card.textContent).toMatch(/300\s₽/);
    expect(card.textContent).toMatch(/За минуту5\s₽/);
    expect(screen.getByRole("article", { name: "Марафон" }).textContent).toContain("Снят с продажи");
    expect(within(screen.getByRole("navigation", { name: "Разделы админ-панели" }))
      .getByRole("link", { name: "Биллинг" }).getAttribute("aria-current")).toBe("page");

    await user.click(screen.getByRole("button", { name: "Новый пакет" }));
    const form = screen.getByRole("form", { name: "Новый пакет" });
    await user.click(within(form).getByRole("button", { name: "Создать пакет" }));
    expect(form.textContent).toContain("Введите название пакета.");
    expect(form.textContent).toContain("Минуты — целое число от 1 до 100 000.");
    await user.type(within(form).getByLabelText("Название"), "Разговор");
    await user.type(within(form).getByLabelText("Минут"), "120");
    await user.clear(within(form).getByLabelText("Скидка, %"));
    await user.type(within(form).getByLabelText("Скидка, %"), "15");
    // Without a price the server's rule: 120 × 5 ₽ less 15 % = 510 ₽, 4,25 ₽ a minute.
    expect(form.textContent).toMatch(/Итого 510\s₽: 4,25\s₽ за минуту/);
    await user.type(within(form).getByLabelText("Цена, ₽"), "499,9");
    expect(form.textContent).toMatch(/Итого 499,90\s₽/);
    await user.click(within(form).getByRole("button", { name: "Создать пакет" }));
    expect(await screen.findByRole("status")).toHaveProperty(
      "textContent", " Пакет «Разговор» создан и уже в продаже.");
    const created = (await sentRequests()).find((r) => r.key === "POST /api/admin/billing/packages");
    expect(created?.body).toEqual({
      name: "Разговор", minutes: 120, discount_percent: 15, sort_order: 0, price_kopecks: 49_990,
    });

    await user.click(within(card).getByRole("button", { name: "Снять с продажи" }));
    const dialog = screen.getByRole("alertdialog", { name: "Снять пакет «Старт» с продажи?" });
    await user.click(within(dialog).getByRole("button", { name: "Оставить" }));
    expect(requestsTo("DELETE /api/admin/billing/packages/1")).toHaveLength(0);
    await user.click(within(card).getByRole("button", { name: "Снять с продажи" }));
    await user.click(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Снять с продажи" }));
    await waitFor(() => expect(requestsTo("DELETE /api/admin/billing/packages/1")).toHaveLength(1));
    expect(await screen.findByText(/ученики его больше не видят/)).toBeTruthy();
  }, LONG);

  it("filters operations, downloads the same rows as CSV and refunds a purchase with a reason", async () => {
    const user = userEvent.setup();
    let refunds = 0;
    renderApp("/admin/billing?tab=operations", {
      ...base,
      "GET /api/admin/billing/transactions": () => json(200, { items: [usage, purchase], total: 2 }),
      "POST /api/admin/billing/payments/12/refund": () => {
        refunds += 1;
        return refunds === 1
          ? json(409, { error: { code: "payment_not_refundable", message: "Этот платёж нельзя вернуть." } })
          : json(201, { ...purchase, id: 50, kind: "refund", amount_kopecks: -30_000 });
      },
    });
    const table = await screen.findByRole("region", { name: "Операции" });
    expect(within(table).getAllByRole("row")).toHaveLength(3);
    expect(table.textContent).toMatch(/\u22125\s₽/);
    expect(within(table).getAllByRole("link", { name: "Анна" })[0]!.getAttribute("href")).toBe("/admin/users/7");

    await user.selectOptions(screen.getByLabelText("Операция"), "purchase");
    await user.type(screen.getByLabelText("Ученик: имя или email"), "анна");
    await user.click(screen.getByRole("button", { name: "Прошлый месяц" }));
    const since = (screen.getByLabelText("С") as HTMLInputElement).value;
    const until = (screen.getByLabelText("По") as HTMLInputElement).value;
    expect(since).toMatch(/^\d{4}-\d{2}-01$/);
    await waitFor(() => {
      const last = new URL(requestsTo("GET /api/admin/billing/transactions").at(-1)!.url);
      expect(last.searchParams.get("kind")).toBe("purchase");
      expect(last.searchParams.get("q")).toBe("анна");
      expect(last.searchParams.get("since")).toBe(dayStart(since));
      expect(last.searchParams.get("until")).toBe(dayStart(until, 1));
    });
    const csv = new URL(screen.getByRole("link", { name: "Скачать CSV" }).getAttribute("href")!,
      "http://localhost");
    expect(csv.pathname).toBe("/api/admin/billing/transactions.csv");
    expect(Object.fromEntries(csv.searchParams)).toEqual({
      kind: "purchase", q: "анна", since: dayStart(since), until: dayStart(until, 1),
    });
    expect(screen.getByRole("link", { name: "Скачать CSV" }).getAttribute("download"))
      .toBe(`ailingva-operations-${since}_${until}.csv`);

    expect(within(table).getAllByRole("button", { name: "Вернуть" })).toHaveLength(1);
    await user.click(within(table).getByRole("button", { name: "Вернуть" }));
    const dialog = screen.getByRole("alertdialog", { name: "Вернуть платёж?" });
    expect(document.activeElement).toBe(within(dialog).getByLabelText("Причина (для журнала)"));
    await user.click(within(dialog).getByRole("button", { name: "Вернуть платёж" }));
    expect(dialog.textContent).toContain("Напишите причину: хотя бы 3 символа.");
    expect(refunds).toBe(0);
    await user.type(within(dialog).getByLabelText("Причина (для журнала)"), "Двойная оплата");
    await user.click(within(dialog).getByRole("button", { name: "Вернуть платёж" }));
    expect((await within(dialog).findByRole("alert")).textContent).toContain("Этот платёж нельзя вернуть.");
    await user.click(within(dialog).getByRole("button", { name: "Вернуть платёж" }));
    expect((await screen.findByRole("status")).textContent).toContain("Платёж возвращён");
    expect(screen.queryByRole("alertdialog")).toBeNull();
    const sent = (await sentRequests()).filter((r) => r.key === "POST /api/admin/billing/payments/12/refund");
    expect(sent.at(-1)?.body).toEqual({ reason: "Двойная оплата" });
  }, LONG);

  it("checks the rules before saving them, in kopecks", async () => {
    const user = userEvent.setup();
    renderApp("/admin/billing?tab=rules", {
      ...base,
      "PUT /api/admin/billing/rules": () => json(200, { ...rules, price_per_minute_kopecks: 450 }),
    });
    const price = await screen.findByLabelText("Цена минуты, ₽");
    expect((price as HTMLInputElement).value).toBe("5");
    expect(screen.getByLabelText("Бонус пригласившему, ₽")).toHaveProperty("value", "150");
    expect(screen.getByText(/Новый ученик получит 60\sминут — это 300\s₽/)).toBeTruthy();
    await user.clear(price);
    await user.type(price, "0");
    expect(screen.getByText("Цена — от 0,01 до 1000 ₽, например 5 или 4,50.")).toBeTruthy();
    const save = screen.getByRole("button", { name: "Сохранить правила" }) as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    await user.clear(price);
    await user.type(price, "4,5");
    await user.clear(screen.getByLabelText("Предупреждать, когда осталось минут"));
    await user.type(screen.getByLabelText("Предупреждать, когда осталось минут"), "61");
    expect(save.disabled).toBe(true);
    await user.clear(screen.getByLabelText("Предупреждать, когда осталось минут"));
    await user.type(screen.getByLabelText("Предупреждать, когда осталось минут"), "3");
    await user.click(save);
    expect((await screen.findByRole("status")).textContent).toContain("Правила сохранены");
    const put = (await sentRequests()).find((r) => r.key === "PUT /api/admin/billing/rules");
    expect(put?.body).toEqual({ ...rules, price_per_minute_kopecks: 450, low_balance_warning_minutes: 3 });
  }, LONG);

  it("shows the referral statistics of a period and the top referrers", async () => {
    const user = userEvent.setup();
    renderApp("/admin/billing?tab=referrals", {
      ...base,
      "GET /api/admin/billing/referrals": () => json(200, {
        since: null, until: null, links_issued: 1250, signups: 40, first_purchases: 10,
        bonuses_paid_kopecks: 300_000, bonuses_taken_back_kopecks: 15_000,
        top_referrers: [{ user_id: 7, email: "rita@example.com", name: "Рита", signups: 12,
          paid: 4, bonus_kopecks: 60_000 }],
      }),
    });
    const totals = await screen.findByRole("region", { name: "Итоги за период" });
    expect(totals.textContent).toMatch(/Взяли ссылку1\s250/);
    expect(totals.textContent).toMatch(/Впервые оплатили10 · 25\s%/);
    expect(totals.textContent).toMatch(/Начислено бонусов3\s000\s₽/);
    const top = screen.getByRole("region", { name: "Лучшие пригласившие" });
    expect(within(top).getByRole("link", { name: "Рита" }).getAttribute("href")).toBe("/admin/users/7");
    expect(top.textContent).toMatch(/600\s₽/);
    await user.click(screen.getByRole("button", { name: "Этот месяц" }));
    await waitFor(() => {
      const last = new URL(requestsTo("GET /api/admin/billing/referrals").at(-1)!.url);
      expect(last.searchParams.get("since")).toBe(
        dayStart((screen.getByLabelText("С") as HTMLInputElement).value));
    });
  }, LONG);
});
