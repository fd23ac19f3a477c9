import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Schemas } from "../api/client";
import { balance, json, renderApp, requestsTo, sentRequests, student } from "../test/app";

const packages: Schemas["PackagePublic"][] = [
  { id: 1, name: "Старт", minutes: 60, discount_percent: 0, price_kopecks: 30_000, is_active: true },
  { id: 2, name: "Практика", minutes: 300, discount_percent: 10, price_kopecks: 135_000,
    is_active: true },
];
const referral: Schemas["ReferralPublic"] = {
  code: "AB12CD34",
  link: "https://ailingva.example/register?ref=AB12CD34",
  invited: 2,
  rewarded: 1,
  bonus_earned_kopecks: 15_000,
  bonus_referrer_kopecks: 15_000,
  bonus_referred_kopecks: 15_000,
};
const trial: Schemas["TransactionPublic"] = {
  id: 1,
  kind: "trial_bonus",
  amount_kopecks: 30_000,
  balance_after_kopecks: 30_000,
  description: "Пробный период: 60 минут",
  created_at: "2025-01-15T10:00:00Z",
};
const lesson: Schemas["TransactionPublic"] = {
  id: 2,
  kind: "usage_charge",
  amount_kopecks: -500,
  balance_after_kopecks: 29_500,
  description: "Голосовая практика, минута 1",
  created_at: "2025-01-15T11:00:00Z",
};

function payment(status: Schemas["PaymentStatus"]): Schemas["PaymentPublic"] {
  return { id: 5, package_id: 2, status, amount_kopecks: 135_000, credit_kopecks: 150_000,
    confirmation_url: null, created_at: "2025-01-16T10:00:00Z" };
}

function renderBilling(extra: Record<string, () => Response> = {}, page = balance) {
  return renderApp("/billing", {
    "GET /api/auth/me": () => json(200, student),
    "GET /api/billing/balance": () => json(200, page),
    "GET /api/billing/packages": () => json(200, packages),
    "GET /api/billing/referral": () => json(200, referral),
    "GET /api/billing/transactions": () => json(200, { items: [lesson, trial], total: 2 }),
    ...extra,
  });
}

const plain = (element: HTMLElement) => element.textContent?.replace(/\s/g, " ");

afterEach(() => sessionStorage.clear());

describe("billing page", () => {
  it("shows the minutes left, the packages and the history", async () => {
    renderBilling();

    const card = await screen.findByRole("region", { name: "Осталось разговора" });
    expect(plain(card)).toContain("59 минут");
    expect(plain(card)).toContain("На счёте 295 ₽ · 5 ₽ за минуту");
    expect(within(card).queryByText(/Минуты заканчиваются/)).toBeNull();
    const practice = await screen.findByRole("article", { name: "Практика" });
    expect(plain(practice)).toContain("−10 %");
    expect(plain(practice)).toContain("300 минут");
    expect(plain(practice)).toContain("1 350 ₽");
    expect(plain(practice)).toContain("4,50 ₽ за минуту");
    const rows = within(await screen.findByRole("region", { name: "Таблица операций" }))
      .getAllByRole("row");
    expect(plain(rows[1] as HTMLElement)).toMatch(/Занятие с репетитором.*−5 ₽.*295 ₽/);
    expect(plain(rows[2] as HTMLElement)).toMatch(/Пробные минуты.*\+300 ₽.*300 ₽/);
  });

  it("warns calmly when the minutes run out", async () => {
    renderBilling({}, { ...balance, balance_kopecks: 500, minutes_left: 1, low_balance: true });

    const card = await screen.findByRole("region", { name: "Осталось разговора" });
    expect(plain(card)).toContain("1 минута");
    expect(within(card).getByText(/Минуты заканчиваются/)).toBeTruthy();
  });

  it("says the minutes are over at zero, not that they are running out", async () => {
    renderBilling({}, { ...balance, balance_kopecks: 200, minutes_left: 0, low_balance: true });

    const card = await screen.findByRole("region", { name: "Осталось разговора" });
    expect(plain(card)).toContain("0 минут");
    expect(within(card).getByText(/Минуты закончились/)).toBeTruthy();
    expect(within(card).queryByText(/заканчиваются/)).toBeNull();
  });

  it("shows the test payment controls only with the test provider", async () => {
    renderBilling({}, { ...balance, test_payments: false });
    await screen.findByRole("article", { name: "Старт" });
    expect(screen.queryByText("Для разработчиков")).toBeNull();
    expect(screen.queryByLabelText(/Имитировать отказ банка/)).toBeNull();
    expect(screen.queryByText(/Тестовая оплата/)).toBeNull();
  });

  it("buys a package once per click with an Idempotency-Key and refreshes the balance",
    async () => {
      renderBilling({ "POST /api/billing/purchase": () => json(201, payment("succeeded")) });
      const user = userEvent.setup();
      const practice = await screen.findByRole("article", { name: "Практика" });
      await user.click(within(practice).getByRole("button", { name: "Купить" }));

      expect(plain(await screen.findByText(/Оплата прошла/))).toBe(
        "Оплата прошла: на баланс зачислено 300 минут.");
      const [purchase, ...others] = requestsTo("POST /api/billing/purchase");
      expect(others).toEqual([]);
      expect(purchase?.headers.get("Idempotency-Key")).toMatch(/^[0-9a-f-]{32,36}$/);
      expect(await purchase?.json()).toEqual({ package_id: 2, test_outcome: "succeeded" });
      await vi.waitFor(() => expect(requestsTo("GET /api/billing/balance")).toHaveLength(2));
    });

  it("says so when the bank declines (simulated in the developers' block)", async () => {
    renderBilling({ "POST /api/billing/purchase": () => json(201, payment("failed")) });
    const user = userEvent.setup();
    const start = await screen.findByRole("article", { name: "Старт" });
    expect(screen.getByText(/Тестовая оплата: деньги не списываются/)).toBeTruthy();
    await user.click(await screen.findByText("Для разработчиков"));
    await user.click(screen.getByLabelText(/Имитировать отказ банка/));
    await user.click(within(start).getByRole("button", { name: "Купить" }));

    expect((await screen.findByRole("alert")).textContent).toMatch(/Оплата не прошла/);
    expect(await sentRequests()).toContainEqual({
      key: "POST /api/billing/purchase",
      body: { package_id: 1, test_outcome: "failed" },
    });
  });

  it("reads back the payment confirmed on the provider's page", async () => {
    sessionStorage.setItem("ailingva:pending-payment", "5");
    renderBilling({ "GET /api/billing/payments/5": () => json(200, payment("succeeded")) });

    expect(await screen.findByText(/Оплата прошла/)).toBeTruthy();
    expect(sessionStorage.length).toBe(0);
  });

  it("copies the invitation link", async () => {
    renderBilling();
    const user = userEvent.setup();
    const writeText = vi.spyOn(navigator.clipboard, "writeText");
    const card = await screen.findByRole("region", { name: "Пригласите друга" });
    expect(card.textContent).toContain("Когда друг впервые оплатит пакет, вы оба получите");
    await user.click(within(card).getByRole("button", { name: "Скопировать" }));

    expect(writeText).toHaveBeenCalledWith(referral.link);
    expect(within(card).getByRole("status").textContent).toContain("Скопировано");
  });

  it("pages through the history, 20 at a time", async () => {
    const items = Array.from({ length: 20 }, (_, index) => ({ ...lesson, id: 100 + index }));
    renderBilling({
      "GET /api/billing/transactions": () => json(200, { items, total: 45 }),
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: /Вперёд/ }));

    const urls = requestsTo("GET /api/billing/transactions").map((request) => request.url);
    expect(urls.at(-1)).toMatch(/limit=20&offset=20$/);
    expect(await screen.findByText("21–40 из 45")).toBeTruthy();
  });
});
