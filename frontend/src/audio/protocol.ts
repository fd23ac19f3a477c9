/**
 * The messages of `WS /ws/voice`, protocol version 1 (docs/voice-protocol.md): the server's
 * pydantic models, as the generated schema describes them.
 */
import type { Schemas } from "../api/client";

export const PROTOCOL_VERSION = 1;

export type ServerEvent = Schemas["ServerEvent"];
export type SessionEndReason = Schemas["SessionEnded"]["reason"];

type StartMessage = Schemas["StartMessage"];
type Defaulted = "lesson_id" | "speak";

/** What the client sends; `start` may leave out what the server defaults. */
export type ClientMessage =
  | (Omit<StartMessage, Defaulted> & Partial<Pick<StartMessage, Defaulted>>)
  | Exclude<Schemas["ClientMessage"], StartMessage>;

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
