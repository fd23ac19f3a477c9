import { AudioLines, LoaderCircle, Mic, type LucideIcon } from "lucide-react";
import { PHASE_LABELS, type VoicePhase } from "../audio/voiceState";

const ICONS: Partial<Record<VoicePhase, LucideIcon>> = {
  connecting: LoaderCircle,
  thinking: LoaderCircle,
  speaking: AudioLines,
};

type Props = { phase: VoicePhase; active: boolean; onStart: () => void; onStop: () => void };

/** The big round button: starts a voice session, shows what the tutor is doing, hangs up. */
export function MicButton({ phase, active, onStart, onStop }: Props) {
  const Icon = ICONS[phase] ?? Mic;
  return (
    <div className={`mic mic-${phase}`}>
      <button
        type="button"
        className="mic-button"
        aria-pressed={active}
        aria-label={active ? "Закончить голосовой разговор" : "Говорить с репетитором голосом"}
        onClick={active ? onStop : onStart}
      >
        <span className={Icon === LoaderCircle ? "spin" : undefined} aria-hidden="true">
          <Icon size={36} />
        </span>
      </button>
      <span className="mic-label" role="status">{PHASE_LABELS[phase]}</span>
      {active && <span className="mic-hint">Нажмите ещё раз, чтобы закончить</span>}
    </div>
  );
}
