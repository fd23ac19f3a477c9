import { useEffect, useReducer } from "react";
import type { Schemas } from "../api/client";

export type LiveSession = Schemas["LiveSession"];
type MonitorEvent = Schemas["MonitorEvent"];
type Snapshot = Schemas["MonitorSnapshot"];

export type LiveState = {
  sessions: LiveSession[];
  /** connecting: before the first list; live: following; lost: reconnecting (the browser
   * opens the stream again on its own). */
  connection: "connecting" | "live" | "lost";
  scope: Snapshot["scope"] | null;
};

type Action =
  | { type: "snapshot"; snapshot: Snapshot }
  | { type: "session"; event: MonitorEvent }
  | { type: "lost" };

export const INITIAL: LiveState = { sessions: [], connection: "connecting", scope: null };

/** The list from a snapshot; a change applied only when newer than what is shown. */
export function liveReducer(state: LiveState, action: Action): LiveState {
  if (action.type === "lost") return { ...state, connection: "lost" };
  if (action.type === "snapshot") {
    return { sessions: action.snapshot.sessions, connection: "live", scope: action.snapshot.scope };
  }
  const { kind, session } = action.event;
  const shown = state.sessions.find((s) => s.id === session.id);
  if (shown && shown.version >= session.version) return state;
  const others = state.sessions.filter((s) => s.id !== session.id);
  if (kind === "closed") return { ...state, sessions: others };
  const sessions = shown
    ? state.sessions.map((s) => (s.id === session.id ? session : s))
    : [...others, session];
  return { ...state, sessions };
}

export const STREAM_URL = "/api/admin/monitor/stream";

/** The voice sessions open now, kept current by the monitor's event stream. */
export function useLiveSessions(): LiveState {
  const [state, dispatch] = useReducer(liveReducer, INITIAL);
  useEffect(() => {
    const source = new EventSource(STREAM_URL, { withCredentials: true });
    source.addEventListener("snapshot", (message) => {
      dispatch({ type: "snapshot", snapshot: JSON.parse((message as MessageEvent<string>).data) });
    });
    source.addEventListener("session", (message) => {
      dispatch({ type: "session", event: JSON.parse((message as MessageEvent<string>).data) });
    });
    source.onerror = () => dispatch({ type: "lost" });
    return () => source.close();
  }, []);
  return state;
}
