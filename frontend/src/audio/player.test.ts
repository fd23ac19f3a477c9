import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PcmPlayer, type AudioSink } from "./player";

class FakeSink implements AudioSink {
  currentTime = 10;
  scheduled: { at: number; seconds: number; silenced: boolean }[] = [];

  schedule(samples: Float32Array, sampleRate: number, at: number) {
    const entry = { at, seconds: samples.length / sampleRate, silenced: false };
    this.scheduled.push(entry);
    return () => {
      entry.silenced = true;
    };
  }
}

/** `ms` of PCM16 at 16 kHz. */
const chunk = (ms: number) => new ArrayBuffer(ms * 32);

let sink: FakeSink;
let reports: number[];
let playing: boolean[];
let player: PcmPlayer;

function advance(ms: number) {
  sink.currentTime += ms / 1000;
  vi.advanceTimersByTime(ms);
}

beforeEach(() => {
  vi.useFakeTimers();
  sink = new FakeSink();
  reports = [];
  playing = [];
  player = new PcmPlayer(sink, {
    report: (ms) => reports.push(ms),
    onPlaying: (value) => playing.push(value),
  });
  player.setSampleRate(16_000);
  player.startReply();
});

afterEach(() => vi.useRealTimers());

describe("the tutor's voice", () => {
  it("plays chunks back to back and reports what was heard every 250 ms and at the end", () => {
    player.push(chunk(400));
    player.push(chunk(300));
    expect(sink.scheduled.map(({ at }) => at)).toEqual([10, 10.4]);
    expect(playing).toEqual([true]);

    advance(250);
    advance(250);
    expect(reports).toEqual([250, 500]);
    advance(250);
    expect(reports).toEqual([250, 500, 700]);
    expect(playing).toEqual([true, false]);
    advance(1000);
    expect(reports).toHaveLength(3);
  });

  it("counts the whole reply, across a pause waiting for the next sentence", () => {
    player.push(chunk(200));
    advance(250);
    expect(reports).toEqual([200]);
    player.setSampleRate(24_000);
    player.push(new ArrayBuffer(24 * 2 * 100)); // 100 ms at 24 kHz
    advance(250);
    expect(reports).toEqual([200, 300]);
  });

  it("stops at once on barge-in, reports the cut and forgets the queue", () => {
    player.push(chunk(1000));
    player.push(chunk(1000));
    advance(250);
    sink.currentTime += 0.1;
    player.stop();
    expect(reports).toEqual([250, 350]);
    expect(sink.scheduled.every(({ silenced }) => silenced)).toBe(true);
    expect(player.playing).toBe(false);
    advance(1000);
    expect(reports).toEqual([250, 350]);
  });

  it("starts counting again for the next reply", () => {
    player.push(chunk(100));
    advance(250);
    player.startReply();
    player.push(chunk(100));
    advance(250);
    expect(reports).toEqual([100, 100]);
  });

  it("keeps an odd byte for the next chunk", () => {
    player.push(new ArrayBuffer(641));
    player.push(new ArrayBuffer(1));
    expect(sink.scheduled.map(({ seconds }) => seconds * 16_000)).toEqual([320, 1]);
  });
});
