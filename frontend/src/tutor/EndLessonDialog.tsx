import { useRef } from "react";
import { Dialog } from "../components/Dialog";

type Props = {
  lessonNumber: number | null;
  /** A voice session is on: ending the lesson also turns the microphone off. */
  voiceActive: boolean;
  pending: boolean;
  onConfirm: () => void;
  onCancel: () => void;
};

/** «Закончить урок?»: the lesson ends only when the student says so here. */
export function EndLessonDialog({ lessonNumber, voiceActive, pending, onConfirm, onCancel }: Props) {
  const keep = useRef<HTMLButtonElement>(null);
  return (
    <Dialog
      titleId="end-lesson-title"
      textId="end-lesson-text"
      role="alertdialog"
      initialFocus={keep}
      onCancel={onCancel}
    >
      <h2 id="end-lesson-title">
        {lessonNumber ? `Закончить урок ${lessonNumber}?` : "Закончить урок?"}
      </h2>
      <p id="end-lesson-text">
        {voiceActive && "Микрофон выключится. "}
        Мы покажем, что дал урок: опыт, исправления и новые слова. Следующая фраза начнёт
        новый урок.
      </p>
      <div className="dialog-actions">
        <button ref={keep} type="button" className="btn btn-ghost" onClick={onCancel}>
          Продолжить урок
        </button>
        <button type="button" className="btn btn-primary" onClick={onConfirm} disabled={pending}>
          {pending ? "Заканчиваем…" : "Закончить урок"}
        </button>
      </div>
    </Dialog>
  );
}
