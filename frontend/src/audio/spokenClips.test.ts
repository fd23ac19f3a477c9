import { describe, expect, it, vi } from "vitest";
import { SpokenClips, wavBase64 } from "./spokenClips";

function decode(base64: string): DataView {
  return new DataView(Uint8Array.from(atob(base64), (char) => char.charCodeAt(0)).buffer);
}

const tag = (view: DataView, offset: number) =>
  String.fromCharCode(...[0, 1, 2, 3].map((index) => view.getUint8(offset + index)));

/** PCM16 little-endian of these sample values. */
function pcm(...samples: number[]): ArrayBuffer {
  const view = new DataView(new ArrayBuffer(samples.length * 2));
  samples.forEach((sample, index) => view.setInt16(index * 2, sample, true));
  return view.buffer;
}

describe("the speech of spoken replies, kept for replay", () => {
  it("makes a WAV a browser plays", () => {
    const wav = decode(wavBase64(new Uint8Array(pcm(1, -2, 3)), 22_050));
    expect([tag(wav, 0), tag(wav, 8), tag(wav, 12), tag(wav, 36)])
      .toEqual(["RIFF", "WAVE", "fmt ", "data"]);
    expect(wav.getUint32(4, true)).toBe(36 + 6);
    expect(wav.getUint16(20, true)).toBe(1); // PCM
    expect(wav.getUint16(22, true)).toBe(1); // mono
    expect(wav.getUint32(24, true)).toBe(22_050);
    expect(wav.getUint16(34, true)).toBe(16);
    expect(wav.getUint32(40, true)).toBe(6);
    expect([0, 1, 2].map((index) => wav.getInt16(44 + index * 2, true))).toEqual([1, -2, 3]);
  });

  it("keeps each sentence's chunks as one clip, whatever their sizes", () => {
    const kept = vi.fn();
    const clips = new SpokenClips(kept);
    clips.push(pcm(9)); // before any sentence: not part of a reply
    clips.startSentence(0, 16_000);
    const bytes = new Uint8Array(pcm(100, 200, 300));
    clips.push(bytes.slice(0, 3).buffer); // a sample split over two messages
    clips.push(bytes.slice(3).buffer);
    clips.startSentence(1, 16_000);
    clips.push(pcm(7));
    clips.finish();
    clips.finish(); // nothing more to keep

    expect(kept.mock.calls.map(([sentence]) => sentence)).toEqual([0, 1]);
    const first = decode(kept.mock.calls[0]?.[1] as string);
    expect(first.getUint32(24, true)).toBe(16_000);
    expect([0, 1, 2].map((index) => first.getInt16(44 + index * 2, true))).toEqual([100, 200, 300]);
    expect(decode(kept.mock.calls[1]?.[1] as string).getUint32(40, true)).toBe(2);
  });

  it("keeps nothing for a sentence without audio", () => {
    const kept = vi.fn();
    const clips = new SpokenClips(kept);
    clips.startSentence(0, 22_050);
    clips.finish();
    expect(kept).not.toHaveBeenCalled();
  });
});
