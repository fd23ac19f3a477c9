import { Flag } from "lucide-react";
import { useCallback, useEffect, useReducer, useRef, useState } from "react";
import { useVoiceSession } from "../audio/useVoiceSession";
import { formatMinutes } from "../billing/format";
import { ErrorMessage } from "../components/ErrorMessage";
import { ClipQueue } from "./clips";
import { Composer } from "./Composer";
import { Conversation } from "./Conversation";
import { conversationReducer, emptyConversation, type TutorTurn } from "./conversation";
import { EndLessonDialog } from "./EndLessonDialog";
import { LessonSummaryCard } from "./LessonSummaryCard";
import { MicButton } from "./MicButton";
import { useEndLesson, useOpenLesson } from "./queries";
import { useTextChat } from "./useTextChat";
import { VoiceNotices } from "./VoiceNotices";

/**
 * The lesson: the conversation, the microphone and the text box. Typed and spoken turns are
 * one lesson; it ends when the student ends it («Закончить урок»), which shows what it gave.
 */
export function TutorPanel() {
  const [conversation, dispatch] = useReducer(conversationReducer, emptyConversation);
  const [clips] = useState(() => new ClipQueue());
  useEffect(() => () => clips.stop(), [clips]);
  const [confirming, setConfirming] = useState(false);
  /** The lesson just ended, whose summary card is shown until the next lesson begins. */
  const [endedLesson, setEndedLesson] = useState<number | null>(null);

  const resumed = useRef(false);
  const open = useOpenLesson();
  useEffect(() => {
    if (resumed.current || !open.lesson) return;
    resumed.current = true;
    dispatch({ type: "loaded", lesson: open.lesson });
  }, [open.lesson]);

  const chat = useTextChat({ lessonId: conversation.lessonId, dispatch, clips });
  const lessonGone = useCallback(() => dispatch({ type: "reset" }), []);
  const voice = useVoiceSession({
    lessonId: conversation.lessonId, dispatch, onLessonGone: lessonGone,
  });
  const endLesson = useEndLesson((lesson) => {
    clips.stop();
    dispatch({ type: "reset" });
    setConfirming(false);
    setEndedLesson(lesson.id);
  });

  const startVoice = () => {
    clips.stop();
    chat.clearError();
    setEndedLesson(null);
    void voice.start();
  };
  const confirmEnd = () => {
    if (conversation.lessonId === null) return;
    voice.stop();
    endLesson.mutate(conversation.lessonId, { onError: () => setConfirming(false) });
  };
  const cancelEnd = useCallback(() => setConfirming(false), []);
  const send = (text: string) => {
    setEndedLesson(null);
    if (!voice.active) return chat.send(text);
    voice.sendText(text);
    return true;
  };
  const replay = (turn: TutorTurn) => clips.replay(turn.clips);
  const error = chat.error ?? (endLesson.isError ? endLesson.error.message : null);
  const minutes = voice.state.minutesLeft;
  const canEnd = conversation.lessonId !== null && conversation.turns.length > 0;

  return (
    <section className="card tutor-panel" aria-labelledby="tutor-title">
      <header className="tutor-head">
        <div>
          <h2 id="tutor-title">
            {conversation.lessonNumber ? `Урок ${conversation.lessonNumber}` : "Новый урок"}
          </h2>
          <p className="muted">
            {voice.active && minutes !== null
              ? `Осталось ${formatMinutes(minutes)} разговора`
              : "Говорите или пишите по-английски — ошибки объясним по-русски."}
          </p>
        </div>
        {canEnd && (
          <button
            type="button"
            className="btn btn-ghost"
            onClick={() => setConfirming(true)}
            disabled={endLesson.isPending}
          >
            <Flag size={18} aria-hidden="true" /> Закончить урок
          </button>
        )}
      </header>
      {endedLesson !== null && conversation.turns.length === 0 ? (
        <LessonSummaryCard lessonId={endedLesson} onClose={() => setEndedLesson(null)} />
      ) : open.settled || conversation.turns.length > 0 ? (
        <Conversation turns={conversation.turns} onReplay={replay} />
      ) : (
        <p className="muted chat-empty" role="status">Загружаем урок…</p>
      )}
      <VoiceNotices state={voice.state} />
      {error && <ErrorMessage>{error}</ErrorMessage>}
      <div className="tutor-controls">
        <MicButton
          phase={voice.state.phase}
          active={voice.active}
          onStart={startVoice}
          onStop={voice.stop}
        />
        <Composer onSend={send} busy={chat.sending} />
      </div>
      {confirming && (
        <EndLessonDialog
          lessonNumber={conversation.lessonNumber}
          voiceActive={voice.active}
          pending={endLesson.isPending}
          onConfirm={confirmEnd}
          onCancel={cancelEnd}
        />
      )}
    </section>
  );
}
