import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { balance, json, loggedOut, renderApp, requestsTo, sentRequests, student } from "../test/app";

const offer = (trialMinutes = 60, invitation: unknown = null) => () =>
  json(200, { trial_minutes: trialMinutes, invitation });

describe("login form", () => {
  it("leads to the password reset with the typed address", async () => {
    renderApp("/login", { "GET /api/auth/me": loggedOut });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText("Электронная почта"), " anna@example.com ");
    await user.click(screen.getByRole("link", { name: "Забыли пароль?" }));

    expect(await screen.findByRole("heading", { name: "Забыли пароль?" })).toBeTruthy();
    expect((screen.getByLabelText("Электронная почта") as HTMLInputElement).value)
      .toBe("anna@example.com");
  });

  it("sends email and password and shows the server's message on 401", async () => {
    renderApp("/login", {
      "GET /api/auth/me": loggedOut,
      "POST /api/auth/login": () =>
        json(401, {
          error: { code: "invalid_credentials", message: "Неверная почта или пароль." },
        }),
    });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText("Электронная почта"), "anna@example.com");
    await user.type(screen.getByLabelText("Пароль"), "wrong-password");
    await user.click(screen.getByRole("button", { name: "Войти" }));

    expect((await screen.findByRole("alert")).textContent).toBe("Неверная почта или пароль.");
    expect(await sentRequests()).toContainEqual({
      key: "POST /api/auth/login",
      body: { email: "anna@example.com", password: "wrong-password" },
    });
    expect(screen.getByRole("heading", { name: "С возвращением!" })).toBeTruthy();
  });
});

describe("register form", () => {
  it("tells of the free minutes the server's rules give", async () => {
    renderApp("/register", { "GET /api/auth/me": loggedOut, "GET /api/auth/register/offer": offer(15) });
    expect(await screen.findByText(/15 минут разговора бесплатно/)).toBeTruthy();
    expect(screen.queryByText(/Вас пригласил друг/)).toBeNull();
  });

  it("tells of the friend's invitation and its bonus", async () => {
    renderApp("/register?ref=ab12cd34", {
      "GET /api/auth/me": loggedOut,
      "GET /api/auth/register/offer": offer(60, {
        code: "AB12CD34", known: true, bonus_kopecks: 15_000, inviter_bonus_kopecks: 15_000,
      }),
    });
    const note = await screen.findByText(/Вас пригласил друг/);
    expect(note.textContent).toBe("Вас пригласил друг — после первой оплаты вы оба получите по 150\u00a0₽ на счёт");
    expect(screen.getByText(/60 минут разговора бесплатно/)).toBeTruthy();
    const asked = requestsTo("GET /api/auth/register/offer").map((request) => request.url);
    expect(asked.map((url) => new URL(url).searchParams.get("ref"))).toEqual(["ab12cd34"]);
  });

  it("says so at once when the invitation's code is unknown", async () => {
    renderApp("/register?ref=NOPE2345", {
      "GET /api/auth/me": loggedOut,
      "GET /api/auth/register/offer": offer(60, {
        code: "NOPE2345", known: false, bonus_kopecks: 15_000, inviter_bonus_kopecks: 15_000,
      }),
    });
    expect(await screen.findByText(/Код приглашения «NOPE2345» не найден/)).toBeTruthy();
    expect(screen.queryByText(/Вас пригласил друг/)).toBeNull();
  });

  it("explains a short password in Russian without calling the API", async () => {
    renderApp("/register", { "GET /api/auth/me": loggedOut, "GET /api/auth/register/offer": offer() });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText("Имя"), "Анна");
    await user.type(screen.getByLabelText("Электронная почта"), "anna@example.com");
    await user.type(screen.getByLabelText("Пароль"), "short");
    await user.click(screen.getByRole("button", { name: "Зарегистрироваться" }));

    const password = screen.getByLabelText("Пароль");
    expect(password.getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByText(/нужно не меньше 8 символов/)).toBeTruthy();
    expect(document.activeElement).toBe(password);
    const keys = (await sentRequests()).map((request) => request.key);
    expect(keys).not.toContain("POST /api/auth/register");
  });

  it("opens the student area after a successful registration", async () => {
    let registered = false;
    renderApp("/register", {
      "GET /api/auth/register/offer": offer(),
      "GET /api/auth/me": () => (registered ? json(200, student) : loggedOut()),
      "POST /api/auth/register": () => {
        registered = true;
        return json(201, student);
      },
      "GET /api/billing/balance": () => json(200, balance),
    });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText("Имя"), "  Анна ");
    await user.type(screen.getByLabelText("Электронная почта"), "anna@example.com");
    await user.type(screen.getByLabelText("Пароль"), "long enough");
    await user.click(screen.getByRole("button", { name: "Зарегистрироваться" }));

    expect(await screen.findByRole("heading", { name: "Здравствуйте, Анна!" })).toBeTruthy();
    expect(await sentRequests()).toContainEqual({
      key: "POST /api/auth/register",
      body: { email: "anna@example.com", password: "long enough", name: "Анна" },
    });
  });

  it("sends the invitation code from ?ref= and can drop an unknown one", async () => {
    let replies = 0;
    renderApp("/register?ref=AB12CD34", {
      "GET /api/auth/register/offer": offer(60, {
        code: "AB12CD34", known: true, bonus_kopecks: 15_000, inviter_bonus_kopecks: 15_000,
      }),
      "GET /api/auth/me": () => (replies > 1 ? json(200, student) : loggedOut()),
      "POST /api/auth/register": () =>
        ++replies === 1
          ? json(422, {
            error: {
              code: "unknown_referral_code",
              message: "Такого кода приглашения нет. Проверьте его или зарегистрируйтесь без кода.",
            },
          })
          : json(201, student),
      "GET /api/billing/balance": () => json(200, balance),
    });
    expect(await screen.findByText(/Вас пригласил друг/)).toBeTruthy();
    const user = userEvent.setup();
    await user.type(screen.getByLabelText("Имя"), "Анна");
    await user.type(screen.getByLabelText("Электронная почта"), "anna@example.com");
    await user.type(screen.getByLabelText("Пароль"), "long enough");
    await user.click(screen.getByRole("button", { name: "Зарегистрироваться" }));

    expect((await screen.findByRole("alert")).textContent).toMatch(/Такого кода приглашения нет/);
    await user.click(screen.getByRole("button", { name: "Зарегистрироваться без кода" }));

    expect(await screen.findByRole("heading", { name: "Здравствуйте, Анна!" })).toBeTruthy();
    const bodies = (await sentRequests())
      .filter((request) => request.key === "POST /api/auth/register")
      .map((request) => request.body);
    const form = { email: "anna@example.com", password: "long enough", name: "Анна" };
    expect(bodies).toEqual([{ ...form, referral_code: "AB12CD34" }, form]);
  });

  it("sends to signing in when the address already had an account (no session came)", async () => {
    renderApp("/register", {
      "GET /api/auth/me": loggedOut,
      "GET /api/auth/register/offer": offer(),
      "POST /api/auth/register": () => json(201, { ...student, id: 0 }),
    });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText("Имя"), "Анна");
    await user.type(screen.getByLabelText("Электронная почта"), "anna@example.com");
    await user.type(screen.getByLabelText("Пароль"), "long enough");
    await user.click(screen.getByRole("button", { name: "Зарегистрироваться" }));

    expect((await screen.findByRole("alert")).textContent).toMatch(/войдите с его паролем/);
    expect(screen.queryByRole("heading", { name: "Здравствуйте, Анна!" })).toBeNull();
  });
});
