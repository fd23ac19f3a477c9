import { ArrowDown, Volume2 } from "lucide-react";
import { useRef } from "react";
import type { ChatTurn, StudentTurn, TutorTurn } from "./conversation";
import { CorrectedText } from "./CorrectedText";
import { textLang } from "./lang";
import { formatLatency } from "./latency";
import { useFollowNewest } from "./useFollowNewest";
import { usePaneHeight } from "./usePaneHeight";

function StudentBubble({ turn }: { turn: StudentTurn }) {
  return (
    <li className={turn.live ? "bubble bubble-student is-live" : "bubble bubble-student"}>
      <span className="visually-hidden">Вы: </span>
      <p lang={textLang(turn.text)}>
        <CorrectedText text={turn.text} corrections={turn.corrections} />
      </p>
    </li>
  );
}

/** A reply not begun yet (the machine answers other students first, or is still thinking). */
export const WAITING = "Думаю…";

function TutorBubble({ turn, onReplay }: { turn: TutorTurn; onReplay: (turn: TutorTurn) => void }) {
  const latency = formatLatency(turn.timings);
  const hasAudio = turn.clips.some(Boolean);
  return (
    <li className="bubble bubble-tutor" aria-busy={turn.streaming}>
      <span className="visually-hidden">Репетитор: </span>
      <p lang={textLang(turn.text)}>
        {turn.streaming && !turn.text ? <span className="muted">{WAITING}</span> : turn.text}
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

/** The turns in their own scrolling pane, which follows the newest reply. */
function ChatLog({ turns, onReplay }: Props) {
  const pane = useRef<HTMLDivElement>(null);
  // Sized first, then scrolled: the pane's end is where it is once it has its height.
  usePaneHeight(pane, ".tutor-panel");
  const { onScroll, away, toNewest } = useFollowNewest(pane, turns);
  return (
    <div className="chat-pane">
      <div
        ref={pane}
        className="chat-scroll"
        onScroll={onScroll}
        role="region"
        aria-label="Переписка урока"
        tabIndex={0}
      >
        <ol className="chat" aria-label="Разговор" aria-live="polite">
          {turns.map((turn) =>
            turn.role === "student"
              ? <StudentBubble key={turn.key} turn={turn} />
              : <TutorBubble key={turn.key} turn={turn} onReplay={onReplay} />)}
        </ol>
      </div>
      {away && (
        <button type="button" className="chat-newest" onClick={toNewest}>
          <ArrowDown size={16} aria-hidden="true" /> К новым
        </button>
      )}
    </div>
  );
}

/** The lesson so far: the student's lines (with corrections) and the tutor's answers. */
export function Conversation({ turns, onReplay }: Props) {
  if (turns.length === 0) {
    return (
      <div className="chat-empty">
        <p>Скажите или напишите что-нибудь по-английски — например, расскажите, как прошёл день.</p>
        <p className="muted">Ошибки подчеркнём прямо в вашей фразе; нажмите на исправление, чтобы
          прочитать объяснение.</p>
      </div>
    );
  }
  return <ChatLog turns={turns} onReplay={onReplay} />;
}
