import { pcm16ToFloat } from "./pcm";

export const REPORT_INTERVAL_MS = 250;

/** Where the player's sound goes: Web Audio in the browser, a fake in tests. */
export interface AudioSink {
  /** Seconds on the sink's clock. */
  readonly currentTime: number;
  /** Plays samples at `at` (sink time); returns a function that silences them. */
  schedule(samples: Float32Array<ArrayBuffer>, sampleRate: number, at: number): () => void;
}

export function webAudioSink(context: AudioContext): AudioSink {
  return {
    get currentTime() {
      return context.currentTime;
    },
    schedule(samples, sampleRate, at) {
      const buffer = context.createBuffer(1, samples.length, sampleRate);
      buffer.copyToChannel(samples, 0);
      const source = context.createBufferSource();
      source.buffer = buffer;
      source.connect(context.destination);
      source.start(at);
      return () => {
        try {
          source.stop();
        } catch {
          // Already stopped.
        }
        source.disconnect();
      };
    },
  };
}

type Scheduled = { start: number; duration: number; silence: () => void };

type Callbacks = {
  /** `played_ms` of the current reply: every ~250 ms while playing, and when it ends or is cut. */
  report: (playedMs: number) => void;
  /** Sound started (true) or everything queued has been played or cut (false). */
  onPlaying: (playing: boolean) => void;
};

/**
 * Plays the tutor's PCM16 chunks back to back and keeps count of how much of the reply the
 * student has actually heard: the server keeps only that much of an interrupted reply.
 */
export class PcmPlayer {
  private scheduled: Scheduled[] = [];
  /** Milliseconds of this reply already played by chunks no longer in `scheduled`. */
  private settledMs = 0;
  private endsAt = 0;
  private sampleRate = 22_050;
  private oddByte: number | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly sink: AudioSink,
    private readonly callbacks: Callbacks,
  ) {}

  /** A new reply: counting starts again from zero. */
  startReply(): void {
    this.cut(false);
    this.settledMs = 0;
  }

  /** The format of the chunks that follow (`reply_sentence.sample_rate`). */
  setSampleRate(sampleRate: number): void {
    this.sampleRate = sampleRate;
  }

  get playing(): boolean {
    return this.timer !== null;
  }

  push(chunk: ArrayBuffer): void {
    let bytes = new Uint8Array(chunk);
    if (this.oddByte !== null) {
      const joined = new Uint8Array(bytes.length + 1);
      joined[0] = this.oddByte;
      joined.set(bytes, 1);
      bytes = joined;
      this.oddByte = null;
    }
    if (bytes.length % 2 === 1) {
      this.oddByte = bytes[bytes.length - 1] ?? 0;
      bytes = bytes.subarray(0, bytes.length - 1);
    }
    if (bytes.length === 0) return;
    const samples = pcm16ToFloat(bytes.slice().buffer);
    const now = this.sink.currentTime;
    const start = Math.max(now, this.endsAt);
    const duration = samples.length / this.sampleRate;
    const silence = this.sink.schedule(samples, this.sampleRate, start);
    this.scheduled.push({ start, duration, silence });
    this.endsAt = start + duration;
    if (this.timer === null) {
      this.timer = setInterval(() => this.tick(), REPORT_INTERVAL_MS);
      this.callbacks.onPlaying(true);
    }
  }

  /** Stops at once and forgets the queue (barge-in, an interrupted reply, hanging up). */
  stop(): void {
    this.cut(true);
  }

  /** Milliseconds of the current reply played so far. */
  playedMs(): number {
    const now = this.sink.currentTime;
    const playing = this.scheduled.reduce(
      (sum, { start, duration }) => sum + Math.min(Math.max(now - start, 0), duration), 0);
    return Math.round(this.settledMs + playing * 1000);
  }

  private tick(): void {
    this.callbacks.report(this.playedMs());
    if (this.sink.currentTime >= this.endsAt) this.finish();
  }

  private cut(report: boolean): void {
    if (this.timer === null && this.scheduled.length === 0) return;
    const played = this.playedMs();
    this.scheduled.forEach(({ silence }) => silence());
    if (report) this.callbacks.report(played);
    this.finish();
  }

  private finish(): void {
    const played = this.playedMs();
    this.scheduled = [];
    this.settledMs = played;
    this.endsAt = 0;
    this.oddByte = null;
    if (this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
      this.callbacks.onPlaying(false);
    }
  }
}
