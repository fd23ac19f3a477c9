import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router-dom";
import { describe, expect, it, vi } from "vitest";
import { ROUTER_FUTURE } from "../App";
import { json } from "../test/app";
import { LessonSummaryCard } from "./LessonSummaryCard";
import type { LessonOutcome } from "./queries";

const outcome: LessonOutcome = {
  lesson_id: 9, number: 3, status: "ended", ready: true, xp_earned: 42, student_turns: 4,
  corrections: [
    { original: "goed", correction: "went", category: "verb_form",
      explanation: "Go — неправильный глагол: went.", start: 12, end: 16, uncertain: false },
    { original: "have", correction: "has", category: "agreement",
      explanation: "После he/she/it — has.", start: 11, end: 15, uncertain: false },
  ],
  new_words: ["park", "brother", "yesterday", "cats", "garden"],
  deep_findings: [],
};

function renderCard(...replies: LessonOutcome[]) {
  vi.mocked(fetch).mockImplementation(async () => json(200, replies.shift() ?? outcome));
  const onClose = vi.fn();
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter future={ROUTER_FUTURE}>
        <LessonSummaryCard lessonId={9} onClose={onClose} />
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return onClose;
}

describe("the card of an ended lesson", () => {
  it("shows the XP, each correction with its explanation, the new words and progress", async () => {
    const onClose = renderCard(outcome);
    const card = await screen.findByRole("region", { name: "Урок 3 окончен" });
    expect(within(card).getByText("+42 XP")).toBeTruthy();
    expect(within(card).getByRole("heading", { name: "2 исправления" })).toBeTruthy();
    expect(within(card).getByText("После he/she/it — has.")).toBeTruthy();
    expect(within(card).getByText("5 новых слов:")).toBeTruthy();
    expect(within(card).getByText("garden").getAttribute("lang")).toBe("en");
    expect(within(card).getByRole("link", { name: /Весь прогресс/ }).getAttribute("href"))
      .toBe("/progress");
    await userEvent.setup().click(within(card).getByRole("button", { name: "Закрыть итоги" }));
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it("waits for the summary, then fills in the XP and words", async () => {
    renderCard({ ...outcome, ready: false, xp_earned: 0, new_words: [] }, outcome);
    expect(await screen.findByText("Считаем опыт и новые слова…")).toBeTruthy();
    expect(screen.getByRole("heading", { name: "2 исправления" })).toBeTruthy();
    expect(await screen.findByText("+42 XP", {}, { timeout: 3000 })).toBeTruthy();
    expect(screen.queryByText("Считаем опыт и новые слова…")).toBeNull();
  });

  it("praises a lesson without mistakes and says when there were no new words", async () => {
    renderCard({ ...outcome, corrections: [], new_words: [], xp_earned: 10 });
    expect(await screen.findByText("Ошибок не было — отлично!")).toBeTruthy();
    expect(screen.getByText("Новых слов в этот раз нет.")).toBeTruthy();
  });

  it("lists what the analysis found after the lesson and asks about words not heard clearly", async () => {
    renderCard({
      ...outcome,
      corrections: [{ ...outcome.corrections[0]!, uncertain: true }],
      deep_findings: [{ original: "Middle East", correction: "the Middle East",
        category: "articles", explanation: "Перед названием региона нужен the." }],
    });
    expect(await screen.findByText("Вы сказали «goed»? Правильно: «went»")).toBeTruthy();
    expect(screen.getByRole("heading", { name: "При разборе урока заметили ещё" })).toBeTruthy();
    expect(screen.getByText("Перед названием региона нужен the.")).toBeTruthy();
  });
});
