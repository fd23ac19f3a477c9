import { describe, expect, it } from "vitest";
import {
  conversationReducer, emptyConversation, type ConversationAction, type ConversationState,
} from "./conversation";
import type { Correction } from "./types";

const goed: Correction = {
  original: "goed", correction: "went", category: "verb_form", explanation: "…", start: 2, end: 6, uncertain: false,
};

const play = (actions: ConversationAction[], from: ConversationState = emptyConversation) =>
  actions.reduce(conversationReducer, from);

describe("conversation", () => {
  it("drops the live preview when nothing was heard after all", () => {
    const state = play([
      { type: "student_partial", text: "Hmm" },
      { type: "student", text: "" },
      { type: "student", text: " " },
    ]);
    expect(state.turns).toEqual([]);
  });

  it("builds a spoken turn from the live transcript, corrections and reply pieces", () => {
    const state = play([
      { type: "student_partial", text: "I go" },
      { type: "student_partial", text: "I goed home" },
      { type: "student", text: "I goed home." },
      { type: "corrections", corrections: [goed] },
      { type: "reply_delta", text: "Oh, you " },
      { type: "reply_delta", text: "went home?" },
      { type: "reply_end" },
      { type: "turn_completed", reply: "Oh, you went home?", timings: { total: 900 }, interrupted: false },
    ]);
    expect(state.turns).toEqual([
      { key: 1, role: "student", text: "I goed home.", corrections: [goed], live: false },
      { key: 2, role: "tutor", text: "Oh, you went home?", streaming: false, interrupted: false,
        timings: { total: 900 }, clips: [] },
    ]);
  });

  it("shows a waiting reply as an empty bubble that the reply then fills", () => {
    const waiting = play([{ type: "student", text: "Hi" }, { type: "reply_waiting" }]);
    expect(waiting.turns[1]).toMatchObject({ role: "tutor", text: "", streaming: true });
    const answered = play([{ type: "reply_delta", text: "Hello!" }], waiting);
    expect(answered.turns).toHaveLength(2);
    expect(answered.turns[1]).toMatchObject({ text: "Hello!", streaming: true });
    expect(play([{ type: "turn_failed" }], waiting).turns).toHaveLength(1);
  });

  it("keeps only what was played of an interrupted reply", () => {
    const state = play([
      { type: "student", text: "Hi" },
      { type: "reply_delta", text: "Hello! How are you today?" },
      { type: "reply_interrupted", playedText: "Hello!" },
    ]);
    expect(state.turns[1]).toMatchObject({ text: "Hello!", interrupted: true, streaming: false });
  });

  it("takes back a message that never reached the tutor", () => {
    const state = play([{ type: "student", text: "Hi" }, { type: "turn_failed" },
      { type: "student_withdrawn" }]);
    expect(state.turns).toEqual([]);
  });

  it("reloads a lesson's turns, without the analysis notes", () => {
    const state = play([{
      type: "loaded",
      lesson: {
        id: 9, number: 3, status: "active", started_at: "2025-01-15T10:00:00Z", ended_at: null,
        turn_count: 3, xp_earned: 0, summary: null,
        turns: [
          { id: 1, seq: 1, role: "student", text: "I goed home", corrections: [goed], timings: {},
            interrupted: false, created_at: "2025-01-15T10:00:00Z" },
          { id: 2, seq: 2, role: "brain", text: "{}", corrections: [], timings: {},
            interrupted: false, created_at: "2025-01-15T10:00:01Z" },
          { id: 3, seq: 3, role: "tutor", text: "You went home?", corrections: [],
            timings: { total: 800 }, interrupted: false, created_at: "2025-01-15T10:00:01Z" },
        ],
      },
    }]);
    expect(state.lessonId).toBe(9);
    expect(state.lessonNumber).toBe(3);
    expect(state.turns.map((turn) => [turn.role, turn.text])).toEqual([
      ["student", "I goed home"], ["tutor", "You went home?"],
    ]);
  });
});
