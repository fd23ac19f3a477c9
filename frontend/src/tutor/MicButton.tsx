import { useQueryClient } from "@tanstack/react-query";
import { AudioLines, Hourglass, LoaderCircle, Mic, type LucideIcon } from "lucide-react";
import { useEffect } from "react";
import { Link } from "react-router-dom";
import { PHASE_LABELS, type VoicePhase } from "../audio/voiceState";
import { minutesStatus } from "../billing/format";
import { BILLING_KEY, useBalance } from "../billing/queries";

const ICONS: Partial<Record<VoicePhase, LucideIcon>> = {
  connecting: LoaderCircle,
  thinking: LoaderCircle,
  speaking: AudioLines,
  no_minutes: Hourglass,
};

type Props = { phase: VoicePhase; active: boolean; onStart: () => void; onStop: () => void };

/**
 * The big round button: starts a voice session, shows what the tutor is doing, hangs up.
 * With no minutes left it says so and leads to the top-up instead.
 */
export function MicButton({ phase, active, onStart, onStop }: Props) {
  const balance = useBalance();
  const queryClient = useQueryClient();
  // The server refused a minute: the balance on the page is older than that, read it again.
  useEffect(() => {
    if (phase === "no_minutes") void queryClient.invalidateQueries({ queryKey: BILLING_KEY });
  }, [phase, queryClient]);
  // The balance decides once it is known: a top-up in another tab opens the microphone again.
  const empty = !active && (balance.data ? minutesStatus(balance.data) === "empty"
    : phase === "no_minutes");
  const shown: VoicePhase = empty ? "no_minutes" : phase === "no_minutes" ? "off" : phase;
  const Icon = ICONS[shown] ?? Mic;
  return (
    <div className={`mic mic-${shown}`}>
      <button
        type="button"
        className="mic-button"
        aria-pressed={active}
        aria-label={active ? "Закончить голосовой разговор" : "Говорить с репетитором голосом"}
        disabled={empty}
        onClick={active ? onStop : onStart}
      >
        <span className={Icon === LoaderCircle ? "spin" : undefined} aria-hidden="true">
          <Icon size={36} />
        </span>
      </button>
      <span className="mic-label" role="status">{PHASE_LABELS[shown]}</span>
      {empty && <Link to="/billing" className="mic-topup">Пополнить баланс</Link>}
      {active && <span className="mic-hint">Нажмите ещё раз, чтобы закончить</span>}
    </div>
  );
}
