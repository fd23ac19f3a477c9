import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { EndLessonDialog } from "./EndLessonDialog";

function renderDialog(voiceActive = false, pending = false) {
  const onConfirm = vi.fn();
  const onCancel = vi.fn();
  render(
    <EndLessonDialog lessonNumber={4} voiceActive={voiceActive} pending={pending}
      onConfirm={onConfirm} onCancel={onCancel} />,
  );
  return { onConfirm, onCancel };
}

describe("the confirmation before a lesson ends", () => {
  it("asks, and keeps the lesson going unless the student confirms", async () => {
    const { onConfirm, onCancel } = renderDialog();
    const dialog = screen.getByRole("alertdialog", { name: "Закончить урок 4?" });
    expect(dialog.textContent).toContain("опыт, исправления и новые слова");
    expect(dialog.textContent).not.toContain("Микрофон");
    // The safe answer has the focus: Enter by mistake does not end the lesson.
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Продолжить урок" }));
    await userEvent.setup().keyboard("{Enter}");
    expect(onCancel).toHaveBeenCalledTimes(1);
    expect(onConfirm).not.toHaveBeenCalled();
  });

  it("ends on confirm, closes on Escape, and says the microphone goes off", async () => {
    const { onConfirm, onCancel } = renderDialog(true);
    expect(screen.getByRole("alertdialog").textContent).toContain("Микрофон выключится.");
    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "Закончить урок" }));
    expect(onConfirm).toHaveBeenCalledTimes(1);
    await user.keyboard("{Escape}");
    expect(onCancel).toHaveBeenCalledTimes(1);
  });

  it("cannot be confirmed twice while the lesson is ending", () => {
    renderDialog(false, true);
    const button = screen.getByRole("button", { name: "Заканчиваем…" }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
  });
});
