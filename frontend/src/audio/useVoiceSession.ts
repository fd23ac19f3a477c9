import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useReducer, useRef, type Dispatch } from "react";
import { BILLING_KEY } from "../billing/queries";
import type { ConversationAction } from "../tutor/conversation";
import { microphoneProblem, openMicrophone, type Microphone } from "./microphone";
import { PcmPlayer, webAudioSink } from "./player";
import { SpokenClips } from "./spokenClips";
import {
  PROTOCOL_VERSION, parseServerEvent, voiceUrl, type ClientMessage, type ServerEvent,
} from "./protocol";
import { isLive, voiceOff, voiceReducer } from "./voiceState";

/** The part of a voice event that belongs in the conversation, if any. */
export function conversationAction(event: ServerEvent): ConversationAction | null {
  switch (event.type) {
    case "session_started":
      return { type: "lesson", lessonId: event.lesson_id, lessonNumber: event.lesson_number };
    case "transcript_partial":
      return { type: "student_partial", text: event.text };
    case "transcript":
      return { type: "student", text: event.text };
    case "corrections":
      return { type: "corrections", corrections: event.corrections };
    case "reply_delta":
      return { type: "reply_delta", text: event.text };
    case "reply_done":
      return { type: "reply_end" };
    case "reply_interrupted":
      return { type: "reply_interrupted", playedText: event.played_text };
    case "turn_completed":
      return {
        type: "turn_completed", reply: event.reply, timings: event.timings,
        interrupted: event.interrupted,
      };
    case "error":
      return event.code === "tutor_unavailable" ? { type: "turn_failed" } : null;
    default:
      return null;
  }
}

/**
 * Each charged minute (the first when the session starts), and the end, change the balance
 * shown elsewhere on the page.
 */
const CHARGED = new Set<ServerEvent["type"]>(["session_started", "balance", "session_ended"]);
/** The reply's speech is complete: its last sentence is kept for replay. */
const SPEECH_OVER = new Set<ServerEvent["type"]>(["reply_done", "reply_interrupted", "turn_completed"]);

type Live = {
  socket: WebSocket;
  microphone: Microphone | null;
  player: PcmPlayer;
  spoken: SpokenClips;
  /** The session's one AudioContext: the microphone's worklet and the tutor's voice. */
  audio: AudioContext;
};

/** The lesson the page shows cannot be joined: it has ended (unused, or in another tab). */
const LESSON_GONE = new Set(["lesson_ended", "lesson_not_found"]);

type Options = {
  lessonId: number | null;
  dispatch: Dispatch<ConversationAction>;
  /** The page's lesson had ended: the session goes on in the student's next lesson. */
  onLessonGone?: () => void;
};

/** A live voice lesson over `/ws/voice`: microphone up, the tutor's words and speech down. */
export function useVoiceSession({ lessonId, dispatch, onLessonGone }: Options) {
  const [state, update] = useReducer(voiceReducer, voiceOff);
  const queryClient = useQueryClient();
  const live = useRef<Live | null>(null);
  /** Typed text already shown, so that its echo as a `transcript` is not shown twice. */
  const typed = useRef<string | null>(null);

  const send = useCallback((message: ClientMessage) => {
    const socket = live.current?.socket;
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }, []);

  const release = useCallback(() => {
    const current = live.current;
    if (!current) return;
    live.current = null;
    current.player.stop();
    current.microphone?.close();
    void current.audio.close();
    current.socket.onmessage = null;
    current.socket.onclose = null;
    if (current.socket.readyState <= WebSocket.OPEN) current.socket.close(1000);
  }, []);

  const handle = useCallback((event: ServerEvent, { player, spoken }: Live) => {
    if (event.type === "speech_started" && player.playing) player.stop();
    if (event.type === "reply_interrupted") player.stop();
    if (event.type === "reply_sentence") {
      if (event.sentence === 0) player.startReply();
      player.setSampleRate(event.sample_rate);
      spoken.startSentence(event.sentence, event.sample_rate);
    }
    if (SPEECH_OVER.has(event.type)) spoken.finish();
    if (event.type === "transcript" && typed.current === event.text) {
      typed.current = null;
    } else {
      const action = conversationAction(event);
      if (action) dispatch(action);
    }
    update(event);
  }, [dispatch]);

  const start = useCallback(() => {
    const connect = (lesson: number | null) => {
      release();
      update({ type: "connect" });
      // One AudioContext for the whole session, capture and playback alike: browsers allow
      // only a few, and each runs its own clock and resampler. Made here, on the student's
      // click, so that the browser lets it sound; `release` closes it when the session ends.
      const audio = new AudioContext();
      void audio.resume().catch(() => undefined);
      const player = new PcmPlayer(webAudioSink(audio), {
        report: (playedMs) => send({ type: "playback", played_ms: playedMs }),
        onPlaying: (playing) => update({ type: "playing", playing }),
      });
      const spoken = new SpokenClips(
        (sentence, wav) => dispatch({ type: "reply_clip", sentence, wav }),
      );
      const socket = new WebSocket(voiceUrl(window.location));
      socket.binaryType = "arraybuffer";
      const session: Live = { socket, microphone: null, player, spoken, audio };
      live.current = session;
      let started = false;
      socket.onmessage = ({ data }: MessageEvent<string | ArrayBuffer>) => {
        if (typeof data !== "string") {
          player.push(data);
          spoken.push(data);
          return;
        }
        const event = parseServerEvent(data);
        if (!event) return;
        if (event.type === "error" && !started && lesson !== null
          && LESSON_GONE.has(event.code)) {
          onLessonGone?.();
          connect(null);
          return;
        }
        if (event.type === "session_started") started = true;
        handle(event, session);
        if (CHARGED.has(event.type)) void queryClient.invalidateQueries({ queryKey: BILLING_KEY });
        if (event.type === "session_ended" || (event.type === "error" && event.fatal)) release();
      };
      socket.onclose = ({ code }) => {
        update({ type: "closed", code });
        release();
      };
      socket.onopen = async () => {
        send({
          type: "start", protocol: PROTOCOL_VERSION, speak: true,
          ...(lesson === null ? {} : { lesson_id: lesson }),
        });
        try {
          session.microphone = await openMicrophone(audio, (frame) => {
            if (socket.readyState === WebSocket.OPEN) socket.send(frame);
          });
          if (live.current !== session) session.microphone.close();
        } catch (error) {
          if (live.current !== session) return;
          update({ type: "failed", message: microphoneProblem(error) });
          release();
        }
      };
    };
    connect(lessonId);
  }, [lessonId, dispatch, handle, release, send, queryClient, onLessonGone]);

  const stop = useCallback(() => {
    release();
    update({ type: "hang_up" });
  }, [release]);

  /** A typed turn inside the voice session. */
  const sendText = useCallback((text: string) => {
    typed.current = text;
    dispatch({ type: "student", text });
    send({ type: "text", text });
  }, [dispatch, send]);

  useEffect(() => release, [release]);

  return { state, active: isLive(state.phase), start, stop, sendText };
}
