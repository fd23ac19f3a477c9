import { describe, expect, it } from "vitest";
import { formatLatency } from "./latency";

const plain = (text: string | null) => text?.replace(/\u00a0/g, " ");

describe("formatLatency", () => {
  it("says how soon the answer came and how long it took", () => {
    expect(plain(formatLatency({ first_audio: 640, total: 1250 }))).toBe(
      "ответ через 640 мс · всего 1,3 с");
    expect(plain(formatLatency({ end_to_first_audio: 591, total: 11 }))).toBe("ответ через 591 мс");
    expect(formatLatency({})).toBeNull();
    expect(formatLatency(null)).toBeNull();
  });
});
