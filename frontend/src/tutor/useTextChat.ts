import { useCallback, useRef, useState, type Dispatch } from "react";
import { ApiError, api, unwrap } from "../api/client";
import type { ClipQueue } from "./clips";
import type { ConversationAction } from "./conversation";
import { readNdjson } from "./ndjson";
import type { StreamEvent } from "./types";

const BROKEN_STREAM = "Ответ оборвался. Попробуйте отправить сообщение ещё раз.";
/** The lesson is gone or over: the message starts a new one instead. */
const STALE_LESSON = new Set(["lesson_not_found", "lesson_ended"]);

function isStreamEvent(value: unknown): value is StreamEvent {
  return typeof value === "object" && value !== null && "type" in value
    && typeof value.type === "string";
}

async function openStream(text: string, lessonId: number | null) {
  return unwrap(api.POST("/api/tutor/message/stream", {
    body: { text, speak: true, ...(lessonId === null ? {} : { lesson_id: lessonId }) },
    parseAs: "stream",
  }));
}

type Options = {
  lessonId: number | null;
  dispatch: Dispatch<ConversationAction>;
  clips: ClipQueue;
};

/**
 * Typed messages through `POST /api/tutor/message/stream`: the student's bubble at once, then
 * the corrections, the reply as it is written and its speech sentence by sentence.
 */
export function useTextChat({ lessonId, dispatch, clips }: Options) {
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const busy = useRef(false);

  /** Resolves true once the tutor has the message (the box may be cleared), false if not. */
  const send = useCallback(async (text: string): Promise<boolean> => {
    if (busy.current) return false;
    busy.current = true;
    setSending(true);
    setError(null);
    dispatch({ type: "student", text });
    let finished = false;
    try {
      let body;
      try {
        body = await openStream(text, lessonId);
      } catch (failure) {
        if (!(failure instanceof ApiError && STALE_LESSON.has(failure.code))) throw failure;
        dispatch({ type: "reset" });
        dispatch({ type: "student", text });
        body = await openStream(text, null);
      }
      if (!body) throw new ApiError(0, "empty_stream", BROKEN_STREAM);
      for await (const event of readNdjson(body)) {
        if (!isStreamEvent(event)) continue;
        switch (event.type) {
          case "lesson":
            dispatch({ type: "lesson", lessonId: event.lesson_id, lessonNumber: event.lesson_number });
            break;
          case "waiting":
            dispatch({ type: "reply_waiting" });
            break;
          case "corrections":
            dispatch({ type: "corrections", corrections: event.corrections });
            break;
          case "delta":
            dispatch({ type: "reply_delta", text: event.text });
            break;
          case "audio":
            dispatch({ type: "reply_clip", sentence: event.sentence, wav: event.wav_base64 });
            clips.enqueue(event.wav_base64);
            break;
          case "error":
            // A reply that could not be spoken is still a reply: keep going.
            setError(event.message);
            break;
          case "done":
            finished = true;
            dispatch({
              type: "turn_completed",
              reply: event.result.reply,
              timings: event.result.timings,
              interrupted: false,
            });
            break;
        }
      }
      if (!finished) {
        dispatch({ type: "turn_failed" });
        setError((current) => current ?? BROKEN_STREAM);
      }
      return true;
    } catch (failure) {
      dispatch({ type: "turn_failed" });
      dispatch({ type: "student_withdrawn" });
      setError(failure instanceof Error ? failure.message : BROKEN_STREAM);
      return false;
    } finally {
      busy.current = false;
      setSending(false);
    }
  }, [lessonId, dispatch, clips]);

  return { send, sending, error, clearError: () => setError(null) };
}
