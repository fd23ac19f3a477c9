import { describe, expect, it } from "vitest";
import type { ServerEvent } from "./protocol";
import { conversationAction } from "./useVoiceSession";
import { voiceOff, voiceReducer, type VoiceEvent, type VoiceState } from "./voiceState";

const started: ServerEvent = {
  type: "session_started", protocol: 1, lesson_id: 4, lesson_number: 2, sample_rate: 16_000,
  balance_kopecks: 29_500, minutes_left: 59, price_per_minute_kopecks: 500,
};
const sentence: ServerEvent = {
  type: "reply_sentence", turn: 1, sentence: 0, text: "Nice!", sample_rate: 22_050,
};

function run(events: VoiceEvent[], from: VoiceState = voiceOff): VoiceState[] {
  const states: VoiceState[] = [];
  events.reduce((state, event) => {
    const next = voiceReducer(state, event);
    states.push(next);
    return next;
  }, from);
  return states;
}

const phases = (events: VoiceEvent[]) => run(events).map((state) => state.phase);

describe("voice session states", () => {
  it("goes connecting -> listening -> thinking -> speaking -> listening", () => {
    expect(phases([
      { type: "connect" },
      started,
      { type: "speech_started" },
      { type: "speech_stopped", audio_ms: 1200 },
      { type: "transcript", turn: 1, text: "I goed home" },
      { type: "reply_delta", turn: 1, text: "Nice!" },
      sentence,
      { type: "playing", playing: true },
      { type: "reply_done", turn: 1 },
      { type: "playing", playing: false },
    ])).toEqual([
      "connecting", "listening", "listening", "thinking", "thinking", "thinking", "speaking",
      "speaking", "speaking", "listening",
    ]);
  });

  it("keeps speaking until the speaker has played the whole reply", () => {
    const [, , , , , afterDone] = run([
      { type: "connect" }, started, { type: "speech_stopped", audio_ms: 900 }, sentence,
      { type: "playing", playing: true }, { type: "reply_done", turn: 1 },
    ]);
    expect(afterDone?.phase).toBe("speaking");
    // A gap between sentences: the speaker is idle, but more of the reply is coming.
    expect(phases([
      { type: "connect" }, started, { type: "speech_stopped", audio_ms: 900 }, sentence,
      { type: "playing", playing: true }, { type: "playing", playing: false },
    ]).at(-1)).toBe("speaking");
  });

  it("goes back to listening at once when the student talks over the tutor", () => {
    expect(phases([
      { type: "connect" }, started, { type: "speech_stopped", audio_ms: 900 }, sentence,
      { type: "playing", playing: true }, { type: "speech_started" },
    ]).at(-1)).toBe("listening");
  });

  it("thinks while other students' turns are answered first", () => {
    expect(phases([
      { type: "connect" }, started, { type: "waiting", turn: 1, ahead: 2 },
    ]).at(-1)).toBe("thinking");
  });

  it("answers without speech when the reply has no audio", () => {
    expect(phases([
      { type: "connect" }, started, { type: "transcript", turn: 1, text: "Hi" },
      { type: "reply_done", turn: 1 },
    ]).at(-1)).toBe("listening");
  });

  it("tracks minutes and warns before they run out", () => {
    const states = run([
      { type: "connect" }, started,
      { type: "balance", balance_kopecks: 500, minutes_left: 1, minutes_charged: 2 },
      { type: "low_balance", minutes_left: 1 },
      { type: "session_ended", reason: "balance_exhausted", minutes_charged: 3, amount_kopecks: 1500 },
    ]);
    expect(states.map((state) => [state.minutesLeft, state.lowBalance])).toEqual([
      [null, false], [59, false], [1, false], [1, true], [1, true],
    ]);
    expect(states.at(-1)).toMatchObject({ phase: "no_minutes", ended: "balance_exhausted" });
  });

  it("shows the server's message; only a fatal error ends the session", () => {
    const thinking = run([{ type: "connect" }, started, { type: "speech_stopped", audio_ms: 1 }]);
    const skipped = voiceReducer(thinking.at(-1) as VoiceState, {
      type: "error", code: "tutor_unavailable", message: "Репетитор сейчас недоступен.", fatal: false,
    });
    expect(skipped).toMatchObject({ phase: "listening", error: "Репетитор сейчас недоступен." });
    const fatal = voiceReducer(skipped, {
      type: "error", code: "too_many_errors", message: "Слишком много ошибок.", fatal: true,
    });
    expect(fatal).toMatchObject({ phase: "error", error: "Слишком много ошибок." });
  });

  it("takes a start refused for money as minutes run out, not as a failure", () => {
    const refused = run([
      { type: "connect" },
      {
        type: "error", code: "insufficient_funds",
        message: "Недостаточно средств на балансе. Пополните баланс.", fatal: true,
      },
    ]).at(-1);
    expect(refused).toMatchObject({ phase: "no_minutes", error: null });
  });

  it("says the connection dropped, or that the minutes ran out (close code 4402)", () => {
    const live = run([{ type: "connect" }, started]).at(-1) as VoiceState;
    expect(voiceReducer(live, { type: "closed", code: 1006 })).toMatchObject({ phase: "error" });
    expect(voiceReducer(live, { type: "closed", code: 4402 }))
      .toMatchObject({ phase: "no_minutes", ended: "balance_exhausted" });
    expect(voiceReducer(live, { type: "hang_up" })).toMatchObject({ phase: "off", minutesLeft: 59 });
  });

  it("passes what was said into the conversation", () => {
    expect(conversationAction(started)).toEqual({ type: "lesson", lessonId: 4, lessonNumber: 2 });
    expect(conversationAction({ type: "transcript_partial", text: "I go" }))
      .toEqual({ type: "student_partial", text: "I go" });
    expect(conversationAction({ type: "reply_interrupted", turn: 1, played_text: "Nice" }))
      .toEqual({ type: "reply_interrupted", playedText: "Nice" });
    expect(conversationAction({ type: "pong" })).toBeNull();
  });
});
