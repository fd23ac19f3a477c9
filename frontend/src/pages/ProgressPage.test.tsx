import { screen, within } from "@testing-library/react";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { Schemas } from "../api/client";
import { json, renderApp, student } from "../test/app";

const progress: Schemas["ProgressPublic"] = {
  totals: {
    lessons: 3, turns: 24, minutes: 41, xp: 180, streak_days: 2, longest_streak_days: 5,
    level: "B1", learned_words: 52, weak_words: 2,
  },
  days: 30,
  xp_by_day: [{ day: "2025-01-14", value: 60 }, { day: "2025-01-15", value: 120 }],
  minutes_by_day: [{ day: "2025-01-14", value: 38 }, { day: "2025-01-15", value: 3 }],
  errors_by_day: [
    { day: "2025-01-14", total: 3, by_category: { articles: 2, verb_form: 1 } },
    { day: "2025-01-15", total: 1, by_category: { articles: 1 } },
  ],
  words_by_day: [
    { day: "2025-01-14", new_words: 50, total: 50 },
    { day: "2025-01-15", new_words: 2, total: 52 },
  ],
  error_categories: ["articles", "verb_form", "calque"],
  weak_words: [
    { word: "went", due_at: "2020-01-01T00:00:00Z", times_correct: 1, times_wrong: 3 },
  ],
  recent_lessons: [{
    lesson_id: 8, number: 3, topic: "Выходные", started_at: "2025-01-15T10:00:00Z",
    ended_at: "2025-01-15T10:20:00Z", xp_earned: 120, new_words: ["yesterday", "grandmother"],
    minutes: 3,
    summary: {
      student_turns: 4, errors: 2,
      new_words: ["yesterday", "grandmother"],
      grammar_notes: [{
        category: "verb_form", count: 2,
        note: "Формы глаголов: у неправильных глаголов свои формы (go — went — gone).",
        examples: [{ original: "goed", correction: "went" }],
      }],
      xp: { total: 120 },
    },
  }, {
    lesson_id: 7, number: 2, topic: null, started_at: "2025-01-14T10:00:00Z",
    ended_at: "2025-01-14T10:20:00Z", xp_earned: 14, new_words: [], minutes: 0,
    summary: { student_turns: 1, errors: 0, new_words: [], grammar_notes: [] },
  }],
};

beforeAll(() => {
  // jsdom has no layout: give the charts a size to draw in.
  vi.stubGlobal("ResizeObserver", class {
    observe() {}
    unobserve() {}
    disconnect() {}
  });
});

describe("progress page", () => {
  it("shows totals, charts, the weak words and the lessons' notes in Russian", async () => {
    renderApp("/progress", {
      "GET /api/auth/me": () => json(200, student),
      "GET /api/progress/progress": () => json(200, progress),
    });

    expect(await screen.findByRole("heading", { name: "Ваш прогресс" })).toBeTruthy();
    const totals = (await screen.findByText("Уроков")).closest("dl") as HTMLElement;
    expect(totals.textContent?.replace(/\s/g, " ")).toContain("Уроков3");
    expect(totals.textContent?.replace(/\s/g, " ")).toContain("Опыт180 XP");
    expect(totals.textContent).toContain("2 дня");
    expect(totals.textContent).toContain("B1");
    expect(totals.textContent?.replace(/\s/g, " ")).toContain("Минут разговора41");
    expect(totals.textContent?.replace(/\s/g, " ")).toContain("Выучено слов52");

    expect(screen.getByRole("img", { name: "Опыт за период: 180 XP" })).toBeTruthy();
    expect(screen.getByRole("img", { name: "Ошибок за период: 4 (Артикли, Формы глагола)" }))
      .toBeTruthy();
    expect(screen.getByRole("img", { name: "Выучено слов: 52" })).toBeTruthy();
    expect(screen.getByRole("img", { name: "Минут разговора за период: 41" })).toBeTruthy();

    const weak = screen.getByRole("region", { name: "Слова на повторение" });
    expect(weak.textContent).toContain("went");
    expect(weak.textContent).toContain("пора повторить");

    const lesson = screen.getByRole("article", { name: "Урок 3: Выходные" });
    expect(lesson.textContent).toContain("+120 XP");
    expect(within(lesson).getByText("Формы глагола")).toBeTruthy();
    expect(lesson.textContent).toContain("У неправильных глаголов свои формы");
    expect(lesson.textContent).not.toContain("Формы глаголов:");
    expect(within(lesson).getByText("goed").tagName).toBe("DEL");
    expect(within(lesson).getByText("yesterday")).toBeTruthy();
    expect(lesson.textContent).toContain("Новые слова (2):");
    expect(lesson.textContent).toContain("4 реплики · 3\u00a0минуты голосом · 2 ошибки");

    // A lesson with nothing new still says what it was.
    const quiet = screen.getByRole("article", { name: "Урок 2" });
    expect(quiet.textContent).toContain("1 реплика · без ошибок");
    expect(quiet.textContent).toContain("Новых слов в этом уроке нет.");
  });

  it("invites a new student to the first lesson", async () => {
    renderApp("/progress", {
      "GET /api/auth/me": () => json(200, student),
      "GET /api/progress/progress": () => json(200, {
        ...progress,
        totals: { ...progress.totals, lessons: 0, xp: 0, level: null },
        xp_by_day: [], minutes_by_day: [], errors_by_day: [], words_by_day: [], weak_words: [],
        recent_lessons: [],
      }),
    });

    expect(await screen.findByRole("link", { name: "Начните первый урок" })).toBeTruthy();
    expect(screen.getAllByText(/Пока пусто/)).toHaveLength(4);
    expect(screen.getByText(/Трудных слов пока нет/)).toBeTruthy();
  });
});
