import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { json, loggedOut, renderApp, student } from "../test/app";

describe("a page that does not exist", () => {
  it("keeps the navigation for a signed-in student", async () => {
    renderApp("/no-such-page", { "GET /api/auth/me": () => json(200, student) });

    expect(await screen.findByRole("heading", { name: "Страница не найдена" })).toBeTruthy();
    expect(screen.getByRole("navigation", { name: "Основное меню" })).toBeTruthy();
    expect(screen.getByRole("link", { name: /Прогресс/ })).toBeTruthy();
    expect(screen.getAllByRole("main")).toHaveLength(1);
  });

  it("stands alone for a visitor who is not signed in", async () => {
    renderApp("/no-such-page", { "GET /api/auth/me": loggedOut });

    expect(await screen.findByRole("heading", { name: "Страница не найдена" })).toBeTruthy();
    expect(screen.queryByRole("navigation")).toBeNull();
    expect(screen.getByRole("link", { name: "На главную" })).toBeTruthy();
  });
});
