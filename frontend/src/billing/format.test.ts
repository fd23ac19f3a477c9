import { describe, expect, it } from "vitest";
import { formatMinutes, formatRub, formatSignedRub, plural } from "./format";

const MINUTE = ["минута", "минуты", "минут"] as const;
// Intl puts no-break spaces between digit groups and before the currency sign.
const plain = (text: string) => text.replace(/\s/g, " ");

describe("plural", () => {
  it.each([
    [0, "минут"], [1, "минута"], [2, "минуты"], [4, "минуты"], [5, "минут"], [11, "минут"],
    [12, "минут"], [14, "минут"], [21, "минута"], [22, "минуты"], [59, "минут"], [101, "минута"],
    [111, "минут"], [1000, "минут"],
  ])("%i %s", (n, word) => {
    expect(plural(n, MINUTE)).toBe(word);
  });

  it("writes the number with its word", () => {
    expect(plain(formatMinutes(59))).toBe("59 минут");
    expect(plain(formatMinutes(1000))).toBe("1 000 минут");
  });
});

describe("roubles", () => {
  it("drops zero kopecks and keeps the rest", () => {
    expect(plain(formatRub(150_000))).toBe("1 500 ₽");
    expect(plain(formatRub(450))).toBe("4,50 ₽");
  });

  it("signs ledger amounts", () => {
    expect(plain(formatSignedRub(30_000))).toBe("+300 ₽");
    expect(plain(formatSignedRub(-500))).toBe("\u22125 ₽");
  });
});
