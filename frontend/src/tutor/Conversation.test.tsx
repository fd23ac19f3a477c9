import { fireEvent, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Conversation } from "./Conversation";
import type { ChatTurn } from "./conversation";
import type { Correction } from "./types";

const student = (key: number, text: string, corrections: Correction[] = []): ChatTurn =>
  ({ key, role: "student", text, corrections, live: false });
const tutor = (key: number, text: string, streaming = false): ChatTurn => ({
  key, role: "tutor", text, streaming, interrupted: false, clips: [],
  timings: streaming ? null : { first_audio: 640, total: 1250 },
});

const lesson = [student(1, "I like cats."), tutor(2, "You like cats! Why?")];

/** jsdom lays nothing out: the pane gets the sizes a browser would give it. */
function layOut(pane: HTMLElement, size: { content: number; visible: number }) {
  let top = 0;
  Object.defineProperties(pane, {
    scrollHeight: { configurable: true, get: () => size.content },
    clientHeight: { configurable: true, get: () => size.visible },
    scrollTop: {
      configurable: true,
      get: () => top,
      set: (value: number) => {
        top = Math.max(0, Math.min(value, size.content - size.visible));
      },
    },
  });
}

/** The student moves the pane's scroll bar. */
function scrollPane(pane: HTMLElement, top: number) {
  pane.scrollTop = top;
  fireEvent.scroll(pane);
}

const scrollIntoView = vi.fn();
beforeEach(() => {
  Element.prototype.scrollIntoView = scrollIntoView;
  vi.spyOn(window, "scrollTo").mockImplementation(() => undefined);
});
afterEach(() => {
  scrollIntoView.mockReset();
  vi.restoreAllMocks();
});

function renderConversation(turns: ChatTurn[]) {
  const view = render(<Conversation turns={turns} onReplay={() => undefined} />);
  const pane = screen.getByRole("region", { name: "Переписка урока" });
  const size = { content: 300, visible: 300 };
  layOut(pane, size);
  return { ...view, pane, size };
}

describe("the conversation pane", () => {
  it("says «Думаю…» in a reply that has not begun, and the reply once it has", () => {
    const { rerender } = renderConversation([student(1, "Hi"), tutor(2, "", true)]);
    expect(screen.getByText("Думаю…")).toBeTruthy();
    rerender(<Conversation turns={[student(1, "Hi"), tutor(2, "Hello!", true)]} onReplay={() => undefined} />);
    expect(screen.queryByText("Думаю…")).toBeNull();
  });

  it("follows the reply as it streams in, scrolling the pane and never the page", () => {
    const { pane, size, rerender } = renderConversation(lesson);
    size.content = 900;
    const streaming = [...lesson, student(3, "Because they are soft."), tutor(4, "Soft", true)];
    rerender(<Conversation turns={streaming} onReplay={() => undefined} />);
    expect(pane.scrollTop).toBe(600);

    // The reply grows and its last line (latency, «Прослушать») arrives: still fully in view.
    size.content = 1000;
    rerender(<Conversation turns={[...streaming.slice(0, 3), tutor(4, "Soft and warm!")]}
      onReplay={() => undefined} />);
    expect(pane.scrollTop).toBe(700);
    expect(within(pane).getAllByRole("listitem").at(-1)?.textContent).toContain("ответ через");
    expect(window.scrollTo).not.toHaveBeenCalled();
    expect(scrollIntoView).not.toHaveBeenCalled();
  });

  it("leaves a student reading higher up where they are, and takes them to the new reply", async () => {
    const { pane, size, rerender } = renderConversation(lesson);
    size.content = 900;
    rerender(<Conversation turns={[...lesson, student(3, "Yes.")]} onReplay={() => undefined} />);
    expect(pane.scrollTop).toBe(600);
    expect(screen.queryByRole("button", { name: /К новым/ })).toBeNull();

    scrollPane(pane, 200);
    size.content = 1100;
    rerender(<Conversation turns={[...lesson, student(3, "Yes."), tutor(4, "Great!")]}
      onReplay={() => undefined} />);
    expect(pane.scrollTop).toBe(200);

    await userEvent.setup().click(screen.getByRole("button", { name: /К новым/ }));
    expect(pane.scrollTop).toBe(800);
    expect(screen.queryByRole("button", { name: /К новым/ })).toBeNull();

    // Back at the end, the pane follows again.
    size.content = 1300;
    rerender(<Conversation turns={[...lesson, student(3, "Yes."), tutor(4, "Great!"),
      student(5, "Thanks.")]} onReplay={() => undefined} />);
    expect(pane.scrollTop).toBe(1000);
  });

  it("follows again once the student scrolls back down to the end", () => {
    const { pane, size, rerender } = renderConversation(lesson);
    size.content = 900;
    rerender(<Conversation turns={[...lesson]} onReplay={() => undefined} />);
    expect(pane.scrollTop).toBe(600);
    scrollPane(pane, 100);
    expect(screen.getByRole("button", { name: /К новым/ })).toBeTruthy();
    scrollPane(pane, 590); // near enough to the end
    expect(screen.queryByRole("button", { name: /К новым/ })).toBeNull();
    size.content = 1000;
    rerender(<Conversation turns={[...lesson, tutor(3, "And dogs?")]} onReplay={() => undefined} />);
    expect(pane.scrollTop).toBe(700);
  });

  it("keeps following when the pane itself gets shorter", () => {
    const { pane, size, rerender } = renderConversation(lesson);
    size.content = 900;
    rerender(<Conversation turns={[...lesson]} onReplay={() => undefined} />);
    size.visible = 200; // a notice appeared under the pane: the end is out of sight for now
    fireEvent.scroll(pane);
    size.content = 1000;
    rerender(<Conversation turns={[...lesson, tutor(3, "And dogs?")]} onReplay={() => undefined} />);
    expect(pane.scrollTop).toBe(800);
  });
});

describe("the language of the lines", () => {
  it("marks Russian as Russian and English as English", () => {
    render(
      <Conversation
        turns={[
          student(1, "как сказать «собака»?"),
          tutor(2, "\"Dog\". I have a dog. Do you have one?"),
          student(3, "I goed home.", [{
            original: "goed", correction: "went", category: "verb_form",
            explanation: "Go — неправильный глагол: went.", start: 2, end: 6, uncertain: false,
          }]),
        ]}
        onReplay={() => undefined}
      />,
    );
    expect(screen.getByText("как сказать «собака»?").closest("p")?.lang).toBe("ru");
    expect(screen.getByText(/I have a dog/).closest("p")?.lang).toBe("en");
    expect(screen.getByText("home.").closest("p")?.lang).toBe("en");
    expect(screen.getByRole("tooltip").lang).toBe("ru");
    expect(screen.getByText("went").closest("ins")?.lang).toBe("en");
  });
});
