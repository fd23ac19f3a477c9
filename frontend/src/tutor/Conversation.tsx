import { Volume2 } from "lucide-react";
import { useEffect, useRef } from "react";
import type { ChatTurn, StudentTurn, TutorTurn } from "./conversation";
import { CorrectedText } from "./CorrectedText";
import { formatLatency } from "./latency";

function StudentBubble({ turn }: { turn: StudentTurn }) {
  return (
    <li className={turn.live ? "bubble bubble-student is-live" : "bubble bubble-student"}>
      <span className="visually-hidden">Вы: </span>
      <p lang="en"><CorrectedText text={turn.text} corrections={turn.corrections} /></p>
    </li>
  );
}

function TutorBubble({ turn, onReplay }: { turn: TutorTurn; onReplay: (turn: TutorTurn) => void }) {
  const latency = formatLatency(turn.timings);
  const hasAudio = turn.clips.some(Boolean);
  return (
    <li className="bubble bubble-tutor" aria-busy={turn.streaming}>
      <span className="visually-hidden">Репетитор: </span>
      <p lang="en">
        {turn.text}
        {turn.streaming && <span className="typing" aria-hidden="true" />}
      </p>
      {(hasAudio || latency || turn.interrupted) && (
        <div className="bubble-meta">
          {hasAudio && (
            <button type="button" className="replay" onClick={() => onReplay(turn)}>
              <Volume2 size={16} aria-hidden="true" /> Прослушать
            </button>
          )}
          {turn.interrupted && <span>прервано</span>}
          {latency && <span className="latency">{latency}</span>}
        </div>
      )}
    </li>
  );
}

type Props = { turns: ChatTurn[]; onReplay: (turn: TutorTurn) => void };

/** The lesson so far: the student's lines (with corrections) and the tutor's answers. */
export function Conversation({ turns, onReplay }: Props) {
  const end = useRef<HTMLDivElement>(null);
  const last = turns.at(-1);
  useEffect(() => {
    end.current?.scrollIntoView?.({ block: "nearest", behavior: "smooth" });
  }, [turns.length, last?.text]);
  if (turns.length === 0) {
    return (
      <div className="chat-empty">
        <p>Скажите или напишите что-нибудь по-английски — например, расскажите, как прошёл день.</p>
        <p className="muted">Ошибки подчеркнём прямо в вашей фразе; нажмите на исправление, чтобы
          прочитать объяснение.</p>
      </div>
    );
  }
  return (
    <div className="chat-scroll">
      <ol className="chat" aria-label="Разговор" aria-live="polite">
        {turns.map((turn) =>
          turn.role === "student"
            ? <StudentBubble key={turn.key} turn={turn} />
            : <TutorBubble key={turn.key} turn={turn} onReplay={onReplay} />)}
      </ol>
      <div ref={end} />
    </div>
  );
}
