import type { ServerEvent, SessionEndReason } from "./protocol";
import { CLOSE_BALANCE_EXHAUSTED } from "./protocol";

export type VoicePhase =
  | "off" | "connecting" | "listening" | "thinking" | "speaking" | "error" | "ended"
  /** The wallet cannot pay a minute: the session was refused or stopped for money. */
  | "no_minutes";

export type VoiceState = {
  phase: VoicePhase;
  minutesLeft: number | null;
  lowBalance: boolean;
  /** The server's (Russian) message about the last problem. */
  error: string | null;
  ended: SessionEndReason | null;
  /** The server has sent all of the reply; the speaker may still be playing it. */
  replyDone: boolean;
  playing: boolean;
};

/** What the page itself adds to the server's events. */
export type LocalEvent =
  | { type: "connect" }
  | { type: "playing"; playing: boolean }
  | { type: "closed"; code: number }
  | { type: "failed"; message: string }
  | { type: "hang_up" };

export type VoiceEvent = ServerEvent | LocalEvent;

export const voiceOff: VoiceState = {
  phase: "off",
  minutesLeft: null,
  lowBalance: false,
  error: null,
  ended: null,
  replyDone: true,
  playing: false,
};

const CONNECTION_LOST = "Связь с сервером прервалась. Нажмите на микрофон, чтобы продолжить.";
/** The server's code for a start the wallet cannot pay (closed with 4402 after it). */
const NO_MONEY = "insufficient_funds";

function outOfMinutes(state: VoiceState): VoiceState {
  return { ...state, phase: "no_minutes", ended: "balance_exhausted", error: null, playing: false };
}

/** Still talking to the server (connecting or in a session). */
export function isLive(phase: VoicePhase): boolean {
  return phase === "connecting" || phase === "listening" || phase === "thinking"
    || phase === "speaking";
}

/** After a reply: back to listening once it has been both sent and heard. */
function afterReply(state: VoiceState): VoiceState {
  return state.phase === "speaking" && state.replyDone && !state.playing
    ? { ...state, phase: "listening" }
    : state;
}

/**
 * The session's state machine: connecting -> listening -> thinking -> speaking -> listening.
 * Speech from the student while the tutor talks (barge-in) goes straight back to listening.
 */
export function voiceReducer(state: VoiceState, event: VoiceEvent): VoiceState {
  switch (event.type) {
    case "connect":
      return { ...voiceOff, phase: "connecting", minutesLeft: state.minutesLeft };
    case "session_started":
      return { ...state, phase: "listening", minutesLeft: event.minutes_left, error: null };
    case "speech_started":
      return isLive(state.phase)
        ? { ...state, phase: "listening", playing: false, replyDone: true }
        : state;
    case "speech_stopped":
    case "waiting": // other students' turns are answered first
    case "transcript":
      return state.phase === "listening" ? { ...state, phase: "thinking", error: null } : state;
    case "reply_sentence":
      return isLive(state.phase) ? { ...state, phase: "speaking", replyDone: false } : state;
    case "playing": {
      if (!isLive(state.phase)) return { ...state, playing: false };
      const next = { ...state, playing: event.playing };
      return event.playing ? { ...next, phase: "speaking" } : afterReply(next);
    }
    case "reply_done":
      return state.phase === "thinking"
        ? { ...state, phase: "listening", replyDone: true }
        : afterReply({ ...state, replyDone: true });
    case "reply_interrupted":
      return isLive(state.phase)
        ? { ...state, phase: "listening", replyDone: true, playing: false }
        : state;
    case "balance":
      return { ...state, minutesLeft: event.minutes_left };
    case "low_balance":
      return { ...state, minutesLeft: event.minutes_left, lowBalance: true };
    case "error":
      if (event.code === NO_MONEY) return outOfMinutes(state);
      if (event.fatal) return { ...state, phase: "error", error: event.message, playing: false };
      return {
        ...state,
        error: event.message,
        phase: state.phase === "thinking" ? "listening" : state.phase,
      };
    case "session_ended":
      if (event.reason === "balance_exhausted") return outOfMinutes(state);
      return { ...state, phase: "ended", ended: event.reason, playing: false };
    case "closed":
      if (!isLive(state.phase)) return state;
      if (event.code === CLOSE_BALANCE_EXHAUSTED) return outOfMinutes(state);
      return { ...state, phase: "error", error: state.error ?? CONNECTION_LOST, playing: false };
    case "failed":
      return { ...state, phase: "error", error: event.message, playing: false };
    case "hang_up":
      return { ...voiceOff, minutesLeft: state.minutesLeft, lowBalance: state.lowBalance };
    default:
      return state;
  }
}

export const PHASE_LABELS: Record<VoicePhase, string> = {
  off: "Нажмите, чтобы говорить",
  connecting: "Подключение…",
  listening: "Слушаю",
  thinking: "Думаю…",
  speaking: "Говорю",
  error: "Ошибка",
  ended: "Разговор завершён",
  no_minutes: "Минуты закончились",
};
