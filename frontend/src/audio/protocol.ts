/** The messages of `WS /ws/voice`, protocol version 1 (docs/voice-protocol.md). */
import type { Correction, Timings } from "../tutor/types";

export const PROTOCOL_VERSION = 1;

export type SessionEndReason = "stopped" | "balance_exhausted" | "idle" | "server_shutdown";

export type ServerEvent =
  | {
    type: "session_started";
    protocol: number;
    lesson_id: number;
    lesson_number: number;
    sample_rate: number;
    balance_kopecks: number;
    minutes_left: number;
    price_per_minute_kopecks: number;
  }
  | { type: "speech_started" }
  | { type: "speech_stopped"; audio_ms: number }
  | { type: "transcript_partial"; text: string }
  | { type: "transcript"; turn: number; text: string }
  | { type: "corrections"; turn: number; corrections: Correction[] }
  | { type: "reply_delta"; turn: number; text: string }
  | { type: "reply_sentence"; turn: number; sentence: number; text: string; sample_rate: number }
  | { type: "reply_done"; turn: number }
  | { type: "reply_interrupted"; turn: number; played_text: string }
  | {
    type: "turn_completed";
    turn: number;
    lesson_id: number;
    student_turn_id: number;
    tutor_turn_id: number;
    reply: string;
    interrupted: boolean;
    timings: Timings;
  }
  | { type: "balance"; balance_kopecks: number; minutes_left: number; minutes_charged: number }
  | { type: "low_balance"; minutes_left: number }
  | { type: "error"; code: string; message: string; fatal: boolean }
  | {
    type: "session_ended";
    reason: SessionEndReason;
    minutes_charged: number;
    amount_kopecks: number;
  }
  | { type: "pong" };

export type ClientMessage =
  | { type: "start"; protocol: number; lesson_id?: number; speak?: boolean }
  | { type: "text"; text: string }
  | { type: "playback"; played_ms: number }
  | { type: "interrupt" }
  | { type: "settings"; speak: boolean }
  | { type: "ping" }
  | { type: "stop" };

export const CLOSE_BALANCE_EXHAUSTED = 4402;

/** A text message from the server as an event; null if it is not one. */
export function parseServerEvent(data: string): ServerEvent | null {
  try {
    const value: unknown = JSON.parse(data);
    if (typeof value === "object" && value !== null && "type" in value
      && typeof value.type === "string") {
      return value as ServerEvent;
    }
  } catch {
    // Not JSON: ignored, like any message this client does not understand.
  }
  return null;
}

/** `ws://host/ws/voice` or `wss://…` for the page's own origin. */
export function voiceUrl(location: Pick<Location, "protocol" | "host">): string {
  return `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/ws/voice`;
}
