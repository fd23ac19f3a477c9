import { describe, expect, it } from "vitest";
import { END_PAUSE_MS, MAX_RECORDING_MS, PauseDetector } from "./recorder";

const frames = (ms: number) => Math.round(ms / 20);

describe("the end of a dictation", () => {
  it("comes with a pause after speech, not before it", () => {
    const detector = new PauseDetector();
    for (let i = 0; i < frames(3000); i += 1) expect(detector.push(0)).toBe(false);
    for (let i = 0; i < frames(800); i += 1) expect(detector.push(0.2)).toBe(false);
    for (let i = 0; i < frames(END_PAUSE_MS) - 1; i += 1) expect(detector.push(0.005)).toBe(false);
    expect(detector.push(0.005)).toBe(true);
  });

  it("waits out a short breath and stops at the time limit", () => {
    const detector = new PauseDetector();
    detector.push(0.2);
    for (let i = 0; i < frames(END_PAUSE_MS / 2); i += 1) detector.push(0);
    expect(detector.push(0.2)).toBe(false); // speech again: the pause starts over
    const rest = frames(MAX_RECORDING_MS) - frames(END_PAUSE_MS / 2) - 2;
    for (let i = 0; i < rest - 1; i += 1) expect(detector.push(0.02)).toBe(false);
    expect(detector.push(0.02)).toBe(true);
  });
});
