import { Plus } from "lucide-react";
import { useEffect, useReducer, useRef, useState } from "react";
import { useVoiceSession } from "../audio/useVoiceSession";
import { formatMinutes } from "../billing/format";
import { ErrorMessage } from "../components/ErrorMessage";
import { ClipQueue } from "./clips";
import { Composer } from "./Composer";
import { Conversation } from "./Conversation";
import { conversationReducer, emptyConversation, type TutorTurn } from "./conversation";
import { MicButton } from "./MicButton";
import { useLessonToResume, useEndLesson } from "./queries";
import { useTextChat } from "./useTextChat";
import { VoiceNotices } from "./VoiceNotices";

/** The lesson: the conversation, the microphone and the text box. */
export function TutorPanel() {
  const [conversation, dispatch] = useReducer(conversationReducer, emptyConversation);
  const [clips] = useState(() => new ClipQueue());
  useEffect(() => () => clips.stop(), [clips]);

  const resumed = useRef(false);
  const resume = useLessonToResume();
  useEffect(() => {
    if (resumed.current || !resume.lesson) return;
    resumed.current = true;
    dispatch({ type: "loaded", lesson: resume.lesson });
  }, [resume.lesson]);

  const chat = useTextChat({ lessonId: conversation.lessonId, dispatch, clips });
  const voice = useVoiceSession({ lessonId: conversation.lessonId, dispatch });
  const endLesson = useEndLesson(() => {
    clips.stop();
    dispatch({ type: "reset" });
  });

  const startVoice = () => {
    clips.stop();
    chat.clearError();
    void voice.start();
  };
  const startNewLesson = () => {
    voice.stop();
    if (conversation.lessonId === null) dispatch({ type: "reset" });
    else endLesson.mutate(conversation.lessonId);
  };
  const send = (text: string) => {
    if (!voice.active) return chat.send(text);
    voice.sendText(text);
    return true;
  };
  const replay = (turn: TutorTurn) => clips.replay(turn.clips);
  const error = chat.error ?? (endLesson.isError ? endLesson.error.message : null);
  const minutes = voice.state.minutesLeft;

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
        {conversation.turns.length > 0 && (
          <button
            type="button"
            className="btn btn-ghost"
            onClick={startNewLesson}
            disabled={endLesson.isPending}
          >
            <Plus size={18} aria-hidden="true" /> Новый урок
          </button>
        )}
      </header>
      {resume.settled || conversation.turns.length > 0
        ? <Conversation turns={conversation.turns} onReplay={replay} />
        : <p className="muted chat-empty" role="status">Загружаем урок…</p>}
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
    </section>
  );
}
