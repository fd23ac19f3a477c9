import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, renderHook } from "@testing-library/react";
import { BILLING_KEY } from "../billing/queries";
import type { ReactNode } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { conversationReducer, emptyConversation, type ConversationAction } from "../tutor/conversation";
import { REPORT_INTERVAL_MS } from "./player";
import { useVoiceSession } from "./useVoiceSession";

class FakeNode {
  connect = vi.fn();
  disconnect = vi.fn();
}

class FakeBufferSource extends FakeNode {
  buffer: unknown = null;
  start = vi.fn();
  stop = vi.fn();
}

/** Web Audio as far as the voice session uses it; every context made is kept in `made`. */
class FakeAudioContext {
  static made: FakeAudioContext[] = [];
  currentTime = 0;
  state: "running" | "closed" = "running";
  readonly destination = new FakeNode();
  readonly audioWorklet = { addModule: vi.fn(async (_url: string) => undefined) };
  readonly streamSources: FakeNode[] = [];
  readonly bufferSources: FakeBufferSource[] = [];
  resume = vi.fn(async () => undefined);
  close = vi.fn(async () => {
    this.state = "closed";
  });

  constructor() {
    FakeAudioContext.made.push(this);
  }

  createMediaStreamSource(_stream: unknown) {
    const node = new FakeNode();
    this.streamSources.push(node);
    return node;
  }

  createBuffer(_channels: number, length: number, sampleRate: number) {
    return { duration: length / sampleRate, copyToChannel: vi.fn() };
  }

  createBufferSource() {
    const source = new FakeBufferSource();
    this.bufferSources.push(source);
    return source;
  }
}

class FakeWorkletNode extends FakeNode {
  static made: FakeWorkletNode[] = [];
  readonly port: { onmessage: ((event: { data: ArrayBuffer }) => void) | null } = {
    onmessage: null,
  };

  constructor(readonly context: FakeAudioContext, readonly name: string) {
    super();
    FakeWorkletNode.made.push(this);
  }
}

class FakeSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  static made: FakeSocket[] = [];
  readyState = FakeSocket.CONNECTING;
  binaryType = "blob";
  sent: (string | ArrayBuffer)[] = [];
  onopen: (() => unknown) | null = null;
  onmessage: ((event: { data: string | ArrayBuffer }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  close = vi.fn(() => {
    this.readyState = FakeSocket.CLOSED;
  });

  constructor(readonly url: string) {
    FakeSocket.made.push(this);
  }

  send(data: string | ArrayBuffer) {
    this.sent.push(data);
  }

  /** The server accepts the connection; resolves once the microphone has been opened. */
  async open() {
    this.readyState = FakeSocket.OPEN;
    await this.onopen?.();
  }

  receive(data: object | ArrayBuffer) {
    this.onmessage?.({ data: data instanceof ArrayBuffer ? data : JSON.stringify(data) });
  }

  messages(): unknown[] {
    return this.sent.filter((m) => typeof m === "string").map((m) => JSON.parse(m));
  }
}

const track = { stop: vi.fn() };
const getUserMedia = vi.fn(async (_constraints: MediaStreamConstraints) => ({
  getTracks: () => [track],
}));

beforeEach(() => {
  FakeAudioContext.made = [];
  FakeWorkletNode.made = [];
  FakeSocket.made = [];
  track.stop.mockReset();
  getUserMedia.mockClear();
  vi.stubGlobal("AudioContext", FakeAudioContext);
  vi.stubGlobal("AudioWorkletNode", FakeWorkletNode);
  vi.stubGlobal("WebSocket", FakeSocket);
  Object.defineProperty(navigator, "mediaDevices", {
    value: { getUserMedia },
    configurable: true,
  });
});

afterEach(() => {
  vi.useRealTimers();
});

function renderSession(dispatch = vi.fn()) {
  const queryClient = new QueryClient();
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
  );
  return renderHook(() => useVoiceSession({ lessonId: null, dispatch }), { wrapper });
}

/** A session started by the student's click, connected, with the microphone open. */
async function liveSession(dispatch = vi.fn()) {
  const hook = renderSession(dispatch);
  await act(async () => {
    await hook.result.current.start();
  });
  const socket = FakeSocket.made.at(-1)!;
  await act(async () => {
    await socket.open();
  });
  return { hook, socket, context: FakeAudioContext.made.at(-1)! };
}

/** `ms` of PCM16 at 16 kHz. */
const pcm = (ms: number) => new ArrayBuffer(ms * 32);

describe("the voice session's audio", () => {
  it("captures and plays through one AudioContext", async () => {
    const { socket, context } = await liveSession();

    expect(FakeAudioContext.made).toHaveLength(1);
    expect(getUserMedia).toHaveBeenCalledWith({
      audio: expect.objectContaining({ echoCancellation: true, channelCount: 1 }),
    });
    expect(context.audioWorklet.addModule).toHaveBeenCalledTimes(1);
    expect(context.streamSources).toHaveLength(1);
    const [worklet] = FakeWorkletNode.made;
    expect(worklet?.context).toBe(context);
    expect(worklet?.name).toBe("ailingva-mic");

    const frame = new ArrayBuffer(640);
    worklet?.port.onmessage?.({ data: frame });
    expect(socket.sent).toContain(frame);

    act(() => {
      socket.receive({ type: "reply_sentence", turn: 1, sentence: 0, text: "Hi.", sample_rate: 16_000 });
      socket.receive(pcm(400));
    });
    expect(context.bufferSources).toHaveLength(1);
    expect(context.bufferSources[0]?.start).toHaveBeenCalledWith(0);
    expect(context.bufferSources[0]?.connect).toHaveBeenCalledWith(context.destination);
    expect(FakeAudioContext.made).toHaveLength(1);
  });

  it("refreshes the balance shown on the page when a minute is charged", async () => {
    const invalidate = vi.spyOn(QueryClient.prototype, "invalidateQueries");
    const { socket } = await liveSession();
    invalidate.mockClear();
    act(() => socket.receive({
      type: "session_started", protocol: 1, lesson_id: 1, lesson_number: 1, sample_rate: 16_000,
      balance_kopecks: 29_500, minutes_left: 59, price_per_minute_kopecks: 500,
    }));
    expect(invalidate).toHaveBeenCalledWith({ queryKey: BILLING_KEY });
    invalidate.mockClear();
    act(() => socket.receive({ type: "reply_delta", turn: 1, text: "Hi" }));
    expect(invalidate).not.toHaveBeenCalled();
    invalidate.mockRestore();
  });

  it("reports playback and stops the tutor's voice on barge-in", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const { socket, context } = await liveSession();
    act(() => {
      socket.receive({ type: "reply_sentence", turn: 1, sentence: 0, text: "Hi.", sample_rate: 16_000 });
      socket.receive(pcm(400));
      socket.receive(pcm(400));
    });
    expect(context.bufferSources.map((s) => s.start.mock.calls[0])).toEqual([[0], [0.4]]);

    context.currentTime = 0.25;
    act(() => vi.advanceTimersByTime(REPORT_INTERVAL_MS));
    expect(socket.messages()).toContainEqual({ type: "playback", played_ms: 250 });

    context.currentTime = 0.5;
    act(() => socket.receive({ type: "speech_started" }));
    expect(context.bufferSources.every((s) => s.stop.mock.calls.length === 1)).toBe(true);
    expect(socket.messages().at(-1)).toEqual({ type: "playback", played_ms: 500 });
    expect(context.close).not.toHaveBeenCalled();
  });

  it("closes the context when the student hangs up, and the next session gets its own", async () => {
    const { hook, socket, context } = await liveSession();

    act(() => hook.result.current.stop());
    expect(context.close).toHaveBeenCalledTimes(1);
    expect(track.stop).toHaveBeenCalled();
    expect(FakeWorkletNode.made[0]?.disconnect).toHaveBeenCalled();
    expect(socket.close).toHaveBeenCalledWith(1000);

    await act(async () => {
      await hook.result.current.start();
    });
    await act(async () => {
      await FakeSocket.made[1]?.open();
    });
    expect(FakeAudioContext.made).toHaveLength(2);
    expect(FakeAudioContext.made[1]?.close).not.toHaveBeenCalled();
    expect(FakeWorkletNode.made[1]?.context).toBe(FakeAudioContext.made[1]);
  });

  it("closes the context when the server ends the session", async () => {
    const { socket, context } = await liveSession();
    act(() => socket.receive({
      type: "session_ended", reason: "stopped", minutes_charged: 1, amount_kopecks: 500,
    }));
    expect(FakeAudioContext.made).toHaveLength(1);
    expect(context.close).toHaveBeenCalledTimes(1);
    expect(track.stop).toHaveBeenCalled();
  });

  it("closes the context when the microphone is refused", async () => {
    getUserMedia.mockRejectedValueOnce(new DOMException("denied", "NotAllowedError"));
    const { hook, context } = await liveSession();
    expect(hook.result.current.state.phase).toBe("error");
    expect(FakeAudioContext.made).toHaveLength(1);
    expect(context.close).toHaveBeenCalledTimes(1);
  });

  it("lets go of a microphone that opens after the student hung up", async () => {
    let grant: (stream: { getTracks: () => (typeof track)[] }) => void = () => undefined;
    getUserMedia.mockImplementationOnce(() => new Promise((resolve) => {
      grant = resolve;
    }));
    const hook = renderSession();
    await act(async () => {
      await hook.result.current.start();
    });
    const socket = FakeSocket.made[0]!;
    const opening = act(() => socket.open());
    act(() => hook.result.current.stop());
    grant({ getTracks: () => [track] });
    await opening;
    expect(track.stop).toHaveBeenCalled();
    expect(FakeAudioContext.made).toHaveLength(1);
    expect(FakeAudioContext.made[0]?.close).toHaveBeenCalledTimes(1);
  });

  it("keeps a spoken reply's speech in the page, so that it can be played again", async () => {
    const dispatch = vi.fn();
    const { socket } = await liveSession(dispatch);
    act(() => {
      socket.receive({ type: "transcript", turn: 1, text: "I like cats." });
      socket.receive({ type: "reply_delta", turn: 1, text: "Cats are great. " });
      socket.receive({ type: "reply_sentence", turn: 1, sentence: 0, text: "Cats are great.",
        sample_rate: 16_000 });
      socket.receive(pcm(300));
      socket.receive(pcm(200));
      socket.receive({ type: "reply_delta", turn: 1, text: "Why?" });
      socket.receive({ type: "reply_sentence", turn: 1, sentence: 1, text: "Why?",
        sample_rate: 16_000 });
      socket.receive(pcm(100));
      socket.receive({ type: "reply_done", turn: 1 });
    });
    const actions = dispatch.mock.calls.map(([action]) => action as ConversationAction);
    const reply = actions.reduce(conversationReducer, emptyConversation).turns.at(-1);
    expect(reply).toMatchObject({ role: "tutor", text: "Cats are great. Why?", streaming: false });
    const clips = reply?.role === "tutor" ? reply.clips : [];
    expect(clips).toHaveLength(2);
    // 500 ms and 100 ms of 16 kHz PCM16, each with its 44-byte header.
    expect(clips.map((clip) => atob(clip).length)).toEqual([44 + 16_000, 44 + 3_200]);
    expect(socket.sent.filter((message) => typeof message !== "string")).toHaveLength(0);
  });

  it("starts afresh when the lesson it was to join has ended", async () => {
    const queryClient = new QueryClient();
    const wrapper = ({ children }: { children: ReactNode }) => (
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    );
    const dispatch = vi.fn();
    const onLessonGone = vi.fn();
    const hook = renderHook(
      () => useVoiceSession({ lessonId: 5, dispatch, onLessonGone }), { wrapper },
    );
    await act(async () => {
      await hook.result.current.start();
    });
    const first = FakeSocket.made[0]!;
    await act(async () => {
      await first.open();
    });
    expect(first.messages()[0]).toMatchObject({ type: "start", lesson_id: 5 });
    act(() => first.receive({
      type: "error", code: "lesson_ended", message: "Этот урок уже закончен.", fatal: true,
    }));

    expect(onLessonGone).toHaveBeenCalledTimes(1);
    expect(first.close).toHaveBeenCalled();
    const second = FakeSocket.made[1]!;
    await act(async () => {
      await second.open();
    });
    expect(second.messages()[0]).toEqual({ type: "start", protocol: 1, speak: true });
    expect(hook.result.current.state.phase).toBe("connecting");
    expect(hook.result.current.state.error).toBeNull();
  });
});
