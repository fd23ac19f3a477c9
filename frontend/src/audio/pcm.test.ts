import { describe, expect, it } from "vitest";
import { Downsampler, FRAME_BYTES, Framer, frameLevel, pcm16ToFloat, wavFile } from "./pcm";

/** A sine at `hz`, `seconds` long, sampled at `rate`. */
function sine(hz: number, rate: number, seconds: number, amplitude = 0.5): Float32Array {
  return Float32Array.from({ length: Math.round(rate * seconds) },
    (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / rate));
}

/** Feeds audio in the 128-sample blocks an AudioWorklet gets. */
function capture(input: Float32Array, rate: number): ArrayBuffer[] {
  const downsampler = new Downsampler(rate);
  const framer = new Framer();
  const frames: ArrayBuffer[] = [];
  for (let offset = 0; offset < input.length; offset += 128) {
    frames.push(...framer.push(downsampler.push(input.subarray(offset, offset + 128))));
  }
  return frames;
}

describe("microphone frames", () => {
  it("turns a second of 48 kHz into fifty 20 ms frames of 16 kHz PCM16", () => {
    const frames = capture(sine(440, 48_000, 1), 48_000);
    expect(frames).toHaveLength(50);
    expect(frames.every((frame) => frame.byteLength === FRAME_BYTES)).toBe(true);
  });

  it("keeps the tone: 440 Hz in, 440 Hz out", () => {
    const samples = capture(sine(440, 48_000, 1), 48_000).flatMap((frame) =>
      Array.from(pcm16ToFloat(frame)));
    const crossings = samples.slice(1).filter((s, i) => (samples[i] ?? 0) < 0 && s >= 0).length;
    expect(crossings).toBeGreaterThanOrEqual(438);
    expect(crossings).toBeLessThanOrEqual(441);
    const peak = Math.max(...samples);
    expect(peak).toBeGreaterThan(0.45);
    expect(peak).toBeLessThan(0.51);
  });

  it("handles the 44.1 kHz a headless browser runs at", () => {
    const frames = capture(sine(300, 44_100, 2), 44_100);
    expect(frames.length).toBeGreaterThanOrEqual(99);
    expect(frames.length).toBeLessThanOrEqual(100);
  });

  it("writes little-endian samples and clips loud input", () => {
    const frame = new Framer().push(Float32Array.from({ length: 320 }, (_, i) =>
      (i === 0 ? 2 : i === 1 ? -2 : 0.25)))[0] as ArrayBuffer;
    const view = new DataView(frame);
    expect(view.getInt16(0, true)).toBe(32767);
    expect(view.getInt16(2, true)).toBe(-32768);
    expect(view.getInt16(4, true)).toBe(8191);
  });
});

describe("a recording as a file", () => {
  it("is a 16 kHz mono PCM16 WAV of the frames", async () => {
    const frames = capture(sine(440, 16_000, 0.1), 16_000);
    const wav = wavFile(frames);
    const bytes = new DataView(await new Promise<ArrayBuffer>((resolve) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result as ArrayBuffer);
      reader.readAsArrayBuffer(wav);
    }));
    const text = (at: number) => String.fromCharCode(...new Uint8Array(bytes.buffer, at, 4));
    expect([text(0), text(8), text(12), text(36)]).toEqual(["RIFF", "WAVE", "fmt ", "data"]);
    expect(bytes.getUint32(24, true)).toBe(16_000);
    expect(bytes.getUint16(22, true)).toBe(1);
    expect(bytes.getUint32(40, true)).toBe(frames.length * FRAME_BYTES);
    expect(wav.size).toBe(44 + frames.length * FRAME_BYTES);
  });

  it("measures a frame's loudness", () => {
    const [loud] = capture(sine(440, 16_000, 0.02, 0.5), 16_000);
    expect(frameLevel(loud!)).toBeCloseTo(0.5 / Math.SQRT2, 2);
    expect(frameLevel(new ArrayBuffer(FRAME_BYTES))).toBe(0);
  });
});
