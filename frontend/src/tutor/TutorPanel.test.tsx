import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { balance, json, renderApp, requestsTo, sentRequests, student } from "../test/app";
import type { LessonDetail, StreamEvent } from "./types";

const goed = {
  original: "goed", correction: "went", category: "verb_form" as const,
  explanation: "Go — неправильный глагол: went.", start: 12, end: 16, uncertain: false,
};

function ndjson(events: StreamEvent[]): Response {
  return new Response(events.map((event) => JSON.stringify(event)).join("\n") + "\n", {
    status: 200, headers: { "Content-Type": "application/x-ndjson" },
  });
}

const reply: StreamEvent[] = [
  { type: "lesson", lesson_id: 5, lesson_number: 2 },
  { type: "corrections", corrections: [goed] },
  { type: "delta", text: "Oh, you went " },
  { type: "delta", text: "to the park!" },
  { type: "audio", sentence: 0, wav_base64: "UklGRg==" },
  {
    type: "done",
    result: {
      lesson_id: 5, lesson_number: 2, student_turn_id: 1, tutor_turn_id: 2,
      reply: "Oh, you went to the park!", corrections: [goed],
      timings: { first_audio: 640, total: 1250 },
    },
  },
];

const activeLesson: LessonDetail = {
  id: 5, number: 2, status: "active", started_at: "2025-01-15T10:00:00Z", ended_at: null,
  turn_count: 2, xp_earned: 0, summary: null,
  turns: [
    { id: 1, seq: 1, role: "student", text: "Yesterday I goed to the park.", corrections: [goed],
      timings: {}, interrupted: false, created_at: "2025-01-15T10:00:00Z" },
    { id: 2, seq: 2, role: "tutor", text: "Oh, you went to the park!", corrections: [],
      timings: { total: 1250 }, interrupted: false, created_at: "2025-01-15T10:00:01Z" },
  ],
};
const { turns: _turns, ...activeSummary } = activeLesson;

const common = {
  "GET /api/auth/me": () => json(200, student),
  "GET /api/billing/balance": () => json(200, balance),
};

beforeEach(() => {
  vi.spyOn(HTMLMediaElement.prototype, "play").mockResolvedValue();
  vi.spyOn(HTMLMediaElement.prototype, "pause").mockReturnValue();
});

async function say(text: string) {
  const user = userEvent.setup();
  await user.type(await screen.findByLabelText("Сообщение репетитору по-английски"), text);
  await user.keyboard("{Enter}");
}

describe("text chat with the tutor", () => {
  it("shows the correction in the student's words and streams the reply", async () => {
    renderApp("/student", {
      ...common,
      "GET /api/tutor/lessons/open": () => json(200, null),
      "POST /api/tutor/message/stream": () => ndjson(reply),
    });
    await say("Yesterday I goed to the park.");

    const chat = await screen.findByRole("list", { name: "Разговор" });
    expect(await within(chat).findByText("Oh, you went to the park!")).toBeTruthy();
    expect(within(chat).getByRole("button", { name: "Ошибка: «goed», правильно: «went»" }))
      .toBeTruthy();
    expect(chat.textContent).toContain("ответ через 640\u00a0мс · всего 1,3\u00a0с");
    expect(within(chat).getByRole("button", { name: /Прослушать/ })).toBeTruthy();
    expect(screen.getByRole("heading", { name: "Урок 2" })).toBeTruthy();
    expect(HTMLMediaElement.prototype.play).toHaveBeenCalled();
    expect(requestsTo("GET /api/tutor/lessons/open")).toHaveLength(1);
    expect(within(chat).getByRole("button", { name: /Прослушать/ })).toBeTruthy();
    expect((await sentRequests()).find((r) => r.key.startsWith("POST"))?.body).toEqual(
      { text: "Yesterday I goed to the park.", speak: true });
  });

  it("picks up the lesson still going after a page reload and continues it", async () => {
    renderApp("/student", {
      ...common,
      "GET /api/tutor/lessons/open": () => json(200, activeLesson),
      "POST /api/tutor/message/stream": () => ndjson(reply),
    });
    const chat = await screen.findByRole("list", { name: "Разговор" });
    expect(within(chat).getByText("Oh, you went to the park!")).toBeTruthy();
    await say("Thanks");
    // The resumed reply and the new one: the new reply really arrived.
    await vi.waitFor(() =>
      expect(within(chat).getAllByText("Oh, you went to the park!")).toHaveLength(2),
    );
    const post = (await sentRequests()).find((r) => r.key === "POST /api/tutor/message/stream");
    expect(post?.body).toEqual({ text: "Thanks", lesson_id: 5, speak: true });
  });

  it("starts a new lesson when the old one has ended", async () => {
    let calls = 0;
    renderApp("/student", {
      ...common,
      "GET /api/tutor/lessons/open": () => json(200, activeLesson),
      "POST /api/tutor/message/stream": () => (calls++ === 0
        ? json(409, { error: { code: "lesson_ended", message: "Урок уже закончился." } })
        : ndjson([{ type: "lesson", lesson_id: 6, lesson_number: 3 }, ...reply.slice(1)])),
    });
    await screen.findByRole("list", { name: "Разговор" });
    await say("Hello again");

    expect(await screen.findByRole("heading", { name: "Урок 3" })).toBeTruthy();
    const chat = screen.getByRole("list", { name: "Разговор" });
    expect(within(chat).getAllByRole("listitem")).toHaveLength(2);
    const posts = (await sentRequests()).filter((r) => r.key.startsWith("POST"));
    expect(posts.map((r) => r.body)).toEqual([
      { text: "Hello again", lesson_id: 5, speak: true }, { text: "Hello again", speak: true },
    ]);
  });

  it("keeps the message in the box when the tutor is unavailable", async () => {
    renderApp("/student", {
      ...common,
      "GET /api/tutor/lessons/open": () => json(200, null),
      "POST /api/tutor/message/stream": () =>
        json(503, { error: { code: "tutor_unavailable", message: "Репетитор сейчас недоступен." } }),
    });
    await say("Hello");

    expect((await screen.findByRole("alert")).textContent).toContain("Репетитор сейчас недоступен.");
    expect(screen.queryByRole("list", { name: "Разговор" })).toBeNull();
    expect((screen.getByLabelText("Сообщение репетитору по-английски") as HTMLTextAreaElement)
      .value).toBe("Hello");
  });

  it("ends the lesson only once the student confirms, then shows what it gave", async () => {
    let polls = 0;
    renderApp("/student", {
      ...common,
      "GET /api/tutor/lessons/open": () => json(200, activeLesson),
      "POST /api/tutor/lessons/5/end": () => json(200, { ...activeSummary, status: "ended" }),
      // The brain summarises a moment after the end: the card waits for it.
      "GET /api/progress/lessons/5": () => json(200, {
        lesson_id: 5, number: 2, status: "ended", ready: polls++ > 0, xp_earned: 35,
        student_turns: 1, corrections: [goed], new_words: ["park", "yesterday"], deep_findings: [],
      }),
    });
    await screen.findByRole("list", { name: "Разговор" });
    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: /Закончить урок/ }));

    const dialog = screen.getByRole("alertdialog", { name: "Закончить урок 2?" });
    await user.click(within(dialog).getByRole("button", { name: "Продолжить урок" }));
    expect(screen.queryByRole("alertdialog")).toBeNull();
    expect(requestsTo("POST /api/tutor/lessons/5/end")).toHaveLength(0);
    expect(screen.getByRole("list", { name: "Разговор" })).toBeTruthy();

    await user.click(screen.getByRole("button", { name: /Закончить урок/ }));
    await user.click(within(screen.getByRole("alertdialog"))
      .getByRole("button", { name: "Закончить урок" }));
    const card = await screen.findByRole("region", { name: "Урок 2 окончен" });
    expect(await within(card).findByText("+35 XP", {}, { timeout: 3000 })).toBeTruthy();
    expect(within(card).getByText("park")).toBeTruthy();
    expect(within(card).getByText("Go — неправильный глагол: went.")).toBeTruthy();
    expect(within(card).getByRole("link", { name: /Весь прогресс/ }).getAttribute("href"))
      .toBe("/progress");
    expect(screen.getByRole("heading", { name: "Новый урок" })).toBeTruthy();
    expect(screen.queryByRole("list", { name: "Разговор" })).toBeNull();
  });
});
