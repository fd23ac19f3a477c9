import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { balance, json, loggedOut, renderApp, sentRequests, student } from "../test/app";

const TOKEN = "k3y_from-the-mail";
const accepted = () => new Response(null, { status: 202 });
const noContent = () => new Response(null, { status: 204 });
const linkError = (status: number, code: string, message: string) => () =>
  json(status, { error: { code, message } });

describe("forgot password form", () => {
  it("asks for a link and gives the same answer for any address", async () => {
    renderApp("/forgot-password", { "POST /api/auth/password-reset": accepted });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText("Электронная почта"), "anna@example.com ");
    await user.click(screen.getByRole("button", { name: "Прислать ссылку" }));

    expect(await screen.findByRole("heading", { name: "Проверьте почту" })).toBeTruthy();
    expect(screen.getByText("anna@example.com")).toBeTruthy();
    expect(screen.getByText(/Если для/).textContent).toMatch(/Ссылка действует один час/);
    expect(await sentRequests()).toEqual([
      { key: "POST /api/auth/password-reset", body: { email: "anna@example.com" } },
    ]);
  });

  it("checks the address before sending and shows the throttle's message", async () => {
    renderApp("/forgot-password", {
      "POST /api/auth/password-reset": linkError(429, "too_many_attempts",
        "Слишком много попыток. Попробуйте через 12 минут."),
    });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText("Электронная почта"), "anna@");
    await user.click(screen.getByRole("button", { name: "Прислать ссылку" }));
    expect(screen.getByText(/Проверьте адрес/)).toBeTruthy();
    expect(await sentRequests()).toEqual([]);

    await user.type(screen.getByLabelText("Электронная почта"), "example.com");
    await user.click(screen.getByRole("button", { name: "Прислать ссылку" }));
    expect((await screen.findByRole("alert")).textContent).toMatch(/через 12 минут/);
    expect(screen.queryByRole("heading", { name: "Проверьте почту" })).toBeNull();
  });
});

describe("new password page", () => {
  it("checks the link, takes a new password by the registration rules and signs in", async () => {
    renderApp(`/reset-password#token=${TOKEN}`, {
      "POST /api/auth/password-reset/check": noContent,
      "POST /api/auth/password-reset/confirm": () => json(200, student),
      "GET /api/billing/balance": () => json(200, balance),
    });
    const user = userEvent.setup();
    const password = await screen.findByLabelText("Новый пароль");
    await user.type(password, "short");
    await user.click(screen.getByRole("button", { name: "Сохранить пароль" }));
    expect(screen.getByText(/нужно не меньше 8 символов/)).toBeTruthy();

    await user.type(password, " but long now");
    await user.click(screen.getByRole("button", { name: "Сохранить пароль" }));
    expect(await screen.findByRole("heading", { name: "Пароль изменён" })).toBeTruthy();
    expect(screen.getByText(/На всех остальных устройствах мы вышли/)).toBeTruthy();
    expect(await sentRequests()).toEqual([
      { key: "POST /api/auth/password-reset/check", body: { token: TOKEN } },
      {
        key: "POST /api/auth/password-reset/confirm",
        body: { token: TOKEN, password: "short but long now" },
      },
    ]);

    await user.click(screen.getByRole("link", { name: "К занятиям" }));
    expect(await screen.findByRole("heading", { name: "Здравствуйте, Анна!" })).toBeTruthy();
  });

  it("shows a too simple password under the field and keeps the form", async () => {
    renderApp(`/reset-password#token=${TOKEN}`, {
      "POST /api/auth/password-reset/check": noContent,
      "POST /api/auth/password-reset/confirm": linkError(422, "weak_password",
        "Этот пароль слишком простой или часто встречается. Придумайте другой."),
    });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText("Новый пароль"), "password123");
    await user.click(screen.getByRole("button", { name: "Сохранить пароль" }));
    expect(await screen.findByText(/слишком простой/)).toBeTruthy();
    expect(screen.getByLabelText("Новый пароль").getAttribute("aria-invalid")).toBe("true");
  });

  it("explains an expired link and offers a new one", async () => {
    renderApp(`/reset-password#token=${TOKEN}`, {
      "POST /api/auth/password-reset/check": linkError(410, "reset_link_expired",
        "Срок действия ссылки истёк: она действует один час. Запросите новую."),
      "GET /api/auth/me": loggedOut,
    });
    expect(await screen.findByRole("heading", { name: "Ссылка не работает" })).toBeTruthy();
    expect(screen.getByRole("alert").textContent).toMatch(/действует один час/);
    expect(screen.queryByLabelText("Новый пароль")).toBeNull();
    const user = userEvent.setup();
    await user.click(screen.getByRole("link", { name: "Запросить новую ссылку" }));
    expect(await screen.findByRole("heading", { name: "Забыли пароль?" })).toBeTruthy();
  });

  it("says what is wrong with an address that carries no key", async () => {
    renderApp("/reset-password", {});
    expect(screen.getByRole("heading", { name: "Ссылка не работает" })).toBeTruthy();
    expect(screen.getByRole("alert").textContent).toMatch(/нет ключа из письма/);
    expect(await sentRequests()).toEqual([]);
  });
});
