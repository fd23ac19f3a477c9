import { Hourglass } from "lucide-react";
import { Link } from "react-router-dom";
import type { VoiceState } from "../audio/voiceState";
import { formatMinutes } from "../billing/format";
import { ErrorMessage } from "../components/ErrorMessage";

/** Minutes left, the low-balance warning, and why the session stopped. */
export function VoiceNotices({ state }: { state: VoiceState }) {
  return (
    <>
      {state.ended === "balance_exhausted" ? (
        <p className="notice notice-warning" role="alert">
          <Hourglass size={20} aria-hidden="true" />
          <span>
            Минуты закончились, и разговор остановился. <Link to="/billing">Пополните баланс</Link>,
            чтобы продолжить урок.
          </span>
        </p>
      ) : state.lowBalance && (
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
