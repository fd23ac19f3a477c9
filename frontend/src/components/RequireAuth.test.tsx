import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { balance, json, loggedOut, renderApp, sentRequests, student } from "../test/app";

describe("route guard", () => {
  it("sends a student who opens /admin to the student area", async () => {
    renderApp("/admin", {
      "GET /api/auth/me": () => json(200, student),
      "GET /api/billing/balance": () => json(200, balance),
    });

    expect(await screen.findByRole("heading", { name: "Здравствуйте, Анна!" })).toBeTruthy();
    expect(screen.queryByRole("link", { name: /Админ-панель/ })).toBeNull();
    const keys = (await sentRequests()).map((request) => request.key);
    expect(keys).not.toContain("GET /api/admin/users");
  });

  it("sends a visitor who is not signed in to the login page", async () => {
    renderApp("/student", { "GET /api/auth/me": loggedOut });

    expect(await screen.findByRole("heading", { name: "С возвращением!" })).toBeTruthy();
  });
});
