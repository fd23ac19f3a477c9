import type { Correction, LessonDetail, Timings } from "./types";

export type StudentTurn = {
  key: number;
  role: "student";
  text: string;
  corrections: Correction[];
  /** Still being spoken: the live transcript. */
  live: boolean;
};

export type TutorTurn = {
  key: number;
  role: "tutor";
  text: string;
  streaming: boolean;
  interrupted: boolean;
  timings: Timings | null;
  /** The reply spoken, one WAV (base64) per sentence, for "play again". */
  clips: string[];
};

export type ChatTurn = StudentTurn | TutorTurn;

export type ConversationState = {
  lessonId: number | null;
  lessonNumber: number | null;
  turns: ChatTurn[];
  nextKey: number;
};

/** What happens in a conversation, whether typed (NDJSON lines) or spoken (voice events). */
export type ConversationAction =
  | { type: "lesson"; lessonId: number; lessonNumber: number }
  | { type: "student_partial"; text: string }
  | { type: "student"; text: string }
  | { type: "corrections"; corrections: Correction[] }
  | { type: "reply_delta"; text: string }
  /** Other students' turns are answered first: the tutor's bubble says «Думаю…» until then. */
  | { type: "reply_waiting" }
  | { type: "reply_clip"; sentence: number; wav: string }
  | { type: "reply_end" }
  | { type: "reply_interrupted"; playedText: string }
  | { type: "turn_completed"; reply: string; timings: Timings; interrupted: boolean }
  | { type: "turn_failed" }
  /** The message never reached the tutor: its bubble goes, the text returns to the box. */
  | { type: "student_withdrawn" }
  /** A lesson picked up after a reload, unless the student has already begun talking. */
  | { type: "loaded"; lesson: LessonDetail }
  | { type: "reset" };

export const emptyConversation: ConversationState = {
  lessonId: null,
  lessonNumber: null,
  turns: [],
  nextKey: 1,
};

type TurnUpdate<T extends ChatTurn> = (turn: T) => T;

function updateLast<R extends ChatTurn["role"]>(
  state: ConversationState,
  role: R,
  update: TurnUpdate<Extract<ChatTurn, { role: R }>>,
): ConversationState {
  const index = state.turns.length - 1;
  const last = state.turns[index];
  if (!last || last.role !== role) return state;
  const turns = state.turns.slice();
  turns[index] = update(last as Extract<ChatTurn, { role: R }>);
  return { ...state, turns };
}

function push(state: ConversationState, turn: Omit<StudentTurn, "key"> | Omit<TutorTurn, "key">) {
  const added = { ...turn, key: state.nextKey } as ChatTurn;
  return { ...state, turns: [...state.turns, added], nextKey: state.nextKey + 1 };
}

function lastIndexOf(turns: ChatTurn[], role: ChatTurn["role"]): number {
  for (let index = turns.length - 1; index >= 0; index -= 1) {
    if (turns[index]?.role === role) return index;
  }
  return -1;
}

function newTutorTurn(text: string): Omit<TutorTurn, "key"> {
  return { role: "tutor", text, streaming: true, interrupted: false, timings: null, clips: [] };
}

/** The tutor turn being made, started on its first piece if needed. */
function currentReply(state: ConversationState, update: TurnUpdate<TutorTurn>) {
  const last = state.turns.at(-1);
  const base = last?.role === "tutor" && last.streaming ? state : push(state, newTutorTurn(""));
  return updateLast(base, "tutor", update);
}

export function conversationReducer(
  state: ConversationState,
  action: ConversationAction,
): ConversationState {
  switch (action.type) {
    case "lesson":
      return { ...state, lessonId: action.lessonId, lessonNumber: action.lessonNumber };
    case "student_partial": {
      const last = state.turns.at(-1);
      if (last?.role === "student" && last.live) {
        return updateLast(state, "student", (turn) => ({ ...turn, text: action.text }));
      }
      return push(state, { role: "student", text: action.text, corrections: [], live: true });
    }
    case "student": {
      const last = state.turns.at(-1);
      if (!action.text.trim()) {
        // Nothing was heard after all: the preview goes, and no empty bubble is left.
        return last?.role === "student" && last.live
          ? { ...state, turns: state.turns.slice(0, -1) }
          : state;
      }
      if (last?.role === "student" && last.live) {
        return updateLast(state, "student", (turn) => ({ ...turn, text: action.text, live: false }));
      }
      return push(state, { role: "student", text: action.text, corrections: [], live: false });
    }
    case "corrections": {
      const index = lastIndexOf(state.turns, "student");
      const turn = state.turns[index];
      if (!turn || turn.role !== "student") return state;
      const turns = state.turns.slice();
      turns[index] = { ...turn, corrections: action.corrections };
      return { ...state, turns };
    }
    case "reply_waiting":
      return currentReply(state, (turn) => turn);
    case "reply_delta":
      return currentReply(state, (turn) => ({ ...turn, text: turn.text + action.text }));
    case "reply_clip":
      return currentReply(state, (turn) => {
        const clips = turn.clips.slice();
        clips[action.sentence] = action.wav;
        return { ...turn, clips };
      });
    case "reply_end":
      return updateLast(state, "tutor", (turn) => ({ ...turn, streaming: false }));
    case "reply_interrupted":
      return updateLast(state, "tutor", (turn) => ({
        ...turn, text: action.playedText, streaming: false, interrupted: true,
      }));
    case "turn_completed": {
      const last = state.turns.at(-1);
      const base = last?.role === "tutor" ? state : push(state, newTutorTurn(""));
      return updateLast(base, "tutor", (turn) => ({
        ...turn,
        text: action.reply,
        timings: action.timings,
        interrupted: action.interrupted,
        streaming: false,
      }));
    }
    case "turn_failed": {
      const last = state.turns.at(-1);
      if (last?.role === "tutor" && last.streaming && !last.text) {
        return { ...state, turns: state.turns.slice(0, -1) };
      }
      if (last?.role === "student" && last.live) {
        return { ...state, turns: state.turns.slice(0, -1) };
      }
      return updateLast(state, "tutor", (turn) => ({ ...turn, streaming: false }));
    }
    case "student_withdrawn": {
      const last = state.turns.at(-1);
      return last?.role === "student" ? { ...state, turns: state.turns.slice(0, -1) } : state;
    }
    case "loaded": {
      const { lesson } = action;
      if (state.turns.length > 0) return state;
      const turns: ChatTurn[] = [];
      let key = state.nextKey;
      for (const turn of lesson.turns) {
        if (turn.role === "student") {
          turns.push({ key: key++, role: "student", text: turn.text,
            corrections: turn.corrections, live: false });
        } else if (turn.role === "tutor") {
          turns.push({ key: key++, role: "tutor", text: turn.text, streaming: false,
            interrupted: turn.interrupted, timings: turn.timings, clips: [] });
        }
      }
      return { lessonId: lesson.id, lessonNumber: lesson.number, turns, nextKey: key };
    }
    case "reset":
      return { ...emptyConversation, nextKey: state.nextKey };
  }
}
