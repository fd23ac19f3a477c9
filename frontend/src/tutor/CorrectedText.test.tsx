import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { CorrectedText } from "./CorrectedText";
import { segmentText } from "./corrections";
import type { Correction } from "./types";

const text = "Yesterday I goed to the park.";
const goed: Correction = {
  original: "goed", correction: "went", category: "verb_form",
  explanation: "Go — неправильный глагол: в прошедшем времени went.", start: 12, end: 16, uncertain: false,
};

function fix(start: number, end: number, correction = "x"): Correction {
  return { ...goed, start, end, correction };
}

describe("segmentText", () => {
  it("cuts the text around each correction", () => {
    expect(segmentText(text, [goed])).toEqual([
      { kind: "text", text: "Yesterday I " },
      { kind: "fix", text: "goed", correction: goed },
      { kind: "text", text: " to the park." },
    ]);
  });

  it("orders spans, drops overlaps and clamps out-of-range indices", () => {
    const segments = segmentText("abcdef", [fix(3, 5), fix(0, 2), fix(1, 4), fix(4, 99), fix(-5, 0)]);
    expect(segments.map((s) => (s.kind === "fix" ? `[${s.text}]` : s.text)).join("")).toBe(
      "[][ab]c[de]f");
  });

  it("never loses or repeats the student's words", () => {
    const odd = [fix(5, 2), fix(NaN, 3), fix(2, 2.5), fix(100, 200), fix(0, 29)];
    for (const corrections of [odd, [goed, goed], []]) {
      const segments = segmentText(text, corrections);
      expect(segments.map((s) => s.text).join("")).toBe(text);
    }
  });
});

describe("CorrectedText", () => {
  it("marks the mistake, shows the fix, and explains it in Russian on tap", async () => {
    render(<p><CorrectedText text={text} corrections={[goed]} /></p>);
    const button = screen.getByRole("button", { name: "Ошибка: «goed», правильно: «went»" });
    expect(button.querySelector("del")?.textContent).toBe("goed");
    expect(button.querySelector("ins")?.textContent).toBe("went");
    const note = screen.getByRole("tooltip", { hidden: true });
    expect(note.textContent).toBe("Формы глаголаGo — неправильный глагол: в прошедшем времени went.");
    expect(button.getAttribute("aria-describedby")).toBe(note.id);

    await userEvent.setup().click(button);
    expect(button.getAttribute("aria-expanded")).toBe("true");
    expect(note.className).toContain("is-open");
  });

  it("opens and closes the explanation from the keyboard", async () => {
    render(<p><CorrectedText text={text} corrections={[goed]} /></p>);
    const user = userEvent.setup();
    await user.tab();
    await user.keyboard("{Enter}");
    const button = screen.getByRole("button");
    expect(button.getAttribute("aria-expanded")).toBe("true");
    await user.keyboard("{Escape}");
    expect(button.getAttribute("aria-expanded")).toBe("false");
  });

  it("shows a missing word as an insertion", () => {
    render(<p><CorrectedText text="I went to park." corrections={[fix(10, 10, "the ")]} /></p>);
    expect(screen.getByRole("button", { name: "Пропущено: «the »" })).toBeTruthy();
  });
});

describe("a mistake heard without confidence", () => {
  it("is asked as a question, not struck out", () => {
    render(<CorrectedText text={text} corrections={[{ ...goed, uncertain: true }]} />);
    const button = screen.getByRole("button", { name: "Вы сказали «goed»? Правильно: «went»" });
    expect(button.querySelector("del")).toBeNull();
    expect(button.textContent).toBe("goed?went");
  });
});
