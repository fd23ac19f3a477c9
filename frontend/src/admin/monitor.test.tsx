import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Schemas, UserPublic } from "../api/client";
import { json, renderApp, requestsTo, student } from "../test/app";
import { stagesOf } from "./stages";
import { STREAM_URL } from "./useLiveSessions";

const admin: UserPublic = { ...student, id: 1, email: "boss@example.com", name: "Ольга", role: "admin" };

/** The browser's EventSource, driven by the test. */
class FakeEventSource {
  static opened: FakeEventSource[] = [];
  listeners = new Map<string, ((message: MessageEvent) => void)[]>();
  onerror: (() => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    FakeEventSource.opened.push(this);
  }
  addEventListener(name: string, listener: (message: MessageEvent) => void) {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener]);
  }
  close() {
    this.closed = true;
  }
  emit(name: string, data: unknown) {
    const message = new MessageEvent(name, { data: JSON.stringify(data) });
    act(() => this.listeners.get(name)?.forEach((listener) => listener(message)));
  }
}

const vera: Schemas["LiveSession"] = {
  id: "s1", user_id: 9, name: "Вера", email: "vera@example.com", since: "2025-02-01T09:00:00Z",
  lesson_id: 4, state: "listening", minutes_charged: 1, turns: 0, last_turn: null, version: 1,
};

const TIMINGS = {
  turn_detect: 300, stt: 200, grammar: 20, llm_first_token: 400, first_sentence: 700,
  first_audio: 900, end_to_first_audio: 1500,
};

const failedJob: Schemas["FailedJobPublic"] = {
  id: 5, name: "analyse_turn", args: { turn_id: 12 }, error: "OSError: disk full", attempts: 5,
  failed_at: "2025-02-01T09:05:00Z",
};

const lessonRow: Schemas["AdminLessonRow"] = {
  id: 4, number: 2, status: "ended", started_at: "2025-02-01T09:00:00Z", ended_at: null,
  turn_count: 2, xp_earned: 10, summary: null, analysed_turns: 0,
  student: { id: 9, name: "Вера", email: "vera@example.com" },
};

const replies = {
  "GET /api/auth/me": () => json(200, admin),
  "GET /api/admin/jobs/queue": () => json(200, { runner: "redis", depth: 3 }),
  "GET /api/admin/jobs/failed": () => json(200, [failedJob]),
  "GET /api/admin/tutor/lessons": () => json(200, { items: [lessonRow], total: 1 }),
  "GET /api/admin/tutor/lessons/4": () => json(200, {
    ...lessonRow,
    turns: [
      { id: 12, seq: 1, role: "student", text: "I goed home", corrections: [],
        timings: { stt: 200, grammar: 20 }, interrupted: false, created_at: "2025-02-01T09:01:00Z" },
      { id: 13, seq: 2, role: "tutor", text: "You went home!", corrections: [],
        timings: { turn_detect: 300, llm_first_token: 400, end_to_first_audio: 1500 },
        interrupted: false, created_at: "2025-02-01T09:01:02Z" },
    ],
    analyses: [{ turn_id: 12, status: "failed", analysed_at: null, findings: [], events: [],
      failed_job: failedJob }],
  }),
  "POST /api/admin/jobs/failed/5/retry": () =>
    json(200, { name: "analyse_turn", args: { turn_id: 12 }, key: "analyse_turn:{}" }),
};

beforeEach(() => {
  FakeEventSource.opened = [];
  vi.stubGlobal("EventSource", FakeEventSource);
});

describe("stages of a turn", () => {
  it("splits the time to the first audio into its stages, the rest as waiting", () => {
    const { stages, totalMs } = stagesOf(TIMINGS);
    expect(totalMs).toBe(1500);
    expect(stages.map((stage) => [stage.key, stage.ms])).toEqual([
      ["turn_detect", 300], ["stt", 200], ["grammar", 20], ["llm_first_token", 400],
      ["llm_sentence", 280], ["tts", 200], ["other", 100],
    ]);
  });

  it("sums a typed turn's stages when no audio was measured", () => {
    expect(stagesOf({ grammar: 10, llm_first_token: 90 }).totalMs).toBe(100);
  });
});

describe("the monitor screen", () => {
  it("shows the live sessions from the stream and follows their changes", async () => {
    renderApp("/admin/monitor", replies);
    await waitFor(() => expect(FakeEventSource.opened).toHaveLength(1));
    const source = FakeEventSource.opened[0]!;
    expect(source.url).toBe(STREAM_URL);
    source.emit("snapshot", { sessions: [vera], scope: "all_processes", watchers: 1 });
    const card = await screen.findByRole("listitem", { name: "Сессия: Вера" });
    expect(within(card).getByText("Слушает")).toBeTruthy();
    expect(screen.getByText("Обновляется в реальном времени")).toBeTruthy();

    source.emit("session", { kind: "state", session: { ...vera, state: "speaking", version: 3 } });
    expect(within(card).getByText("Говорит")).toBeTruthy();
    // An older change that arrives late is not shown over a newer one.
    source.emit("session", { kind: "state", session: { ...vera, state: "thinking", version: 2 } });
    expect(within(card).getByText("Говорит")).toBeTruthy();
    source.emit("session", {
      kind: "turn",
      session: { ...vera, version: 4, turns: 1, minutes_charged: 2, last_turn: TIMINGS },
    });
    expect(within(card).getByText("Последний ответ: 1,5 с до первого звука")).toBeTruthy();
    expect(within(card).getByRole("img").getAttribute("aria-label")).toContain("Распознавание 200 мс");
    source.emit("session", { kind: "closed", session: { ...vera, version: 5 } });
    expect(screen.queryByRole("listitem", { name: "Сессия: Вера" })).toBeNull();
    expect(screen.getByText("Сейчас никто не занимается голосом.")).toBeTruthy();
  });

  it("shows the queue, retries a failed job and opens a lesson's turns with their analysis", async () => {
    const user = userEvent.setup();
    renderApp("/admin/monitor", replies);
    expect(await screen.findByText("В очереди: 3")).toBeTruthy();
    const failures = await screen.findByRole("list", { name: "Сбои задач" });
    expect(within(failures).getByText("OSError: disk full")).toBeTruthy();
    await user.click(within(failures).getByRole("button", { name: "Повторить" }));
    await waitFor(() => expect(requestsTo("POST /api/admin/jobs/failed/5/retry")).toHaveLength(1));

    await user.click(await screen.findByRole("button", { name: "Реплики и разбор" }));
    const turns = await screen.findByRole("list", { name: "Реплики урока" });
    expect(within(turns).getByText("Анализ: Сбой")).toBeTruthy();
    expect(within(turns).getByRole("img").getAttribute("aria-label")).toContain("1,5 с");

    await user.selectOptions(screen.getByLabelText("Конвейер"), "analysis");
    await user.type(screen.getByLabelText("Ученик"), "вера");
    await waitFor(() => {
      const last = new URL(requestsTo("GET /api/admin/tutor/lessons").at(-1)!.url);
      expect(last.searchParams.get("pipeline")).toBe("analysis");
      expect(last.searchParams.get("student")).toBe("вера");
    });
  }, 30_000);

  it("closes the stream when the admin leaves the screen", async () => {
    const { unmount } = renderApp("/admin/monitor", replies);
    await waitFor(() => expect(FakeEventSource.opened).toHaveLength(1));
    unmount();
    expect(FakeEventSource.opened[0]!.closed).toBe(true);
  });
});
