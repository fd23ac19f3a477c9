import { Hourglass } from "lucide-react";
import { Link } from "react-router-dom";
import type { VoiceState } from "../audio/voiceState";
import { formatMinutes } from "../billing/format";
import { ErrorMessage } from "../components/ErrorMessage";

/** Minutes left, the low-balance warning, and why the session stopped. */
export function VoiceNotices({ state }: { state: VoiceState }) {
  return (
    <>
      {/* Minutes that ran out are on the microphone, with the way to top up. */}
      {state.lowBalance && state.phase !== "no_minutes" && (
        <p className="notice notice-warning" role="alert">
          <Hourglass size={20} aria-hidden="true" />
          <span>
            Осталось около {formatMinutes(Math.max(state.minutesLeft ?? 1, 1))} разговора.{" "}
            <Link to="/billing">Пополнить баланс</Link>
          </span>
        </p>
      )}
      {state.ended === "idle" && (
        <p className="notice">Разговор завершён: долго не было слышно речи.</p>
      )}
      {state.ended === "server_shutdown" && (
        <p className="notice">Сервер перезапускается. Подождите минуту и нажмите на микрофон.</p>
      )}
      {state.error && state.phase !== "ended" && <ErrorMessage>{state.error}</ErrorMessage>}
    </>
  );
}
