import { useEffect, useRef } from "react";

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
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    keep.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") onCancel();
    };
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("keydown", onKey);
      opener?.focus?.();
    };
  }, [onCancel]);

  return (
    <div className="dialog-backdrop" onClick={(event) => {
      if (event.target === event.currentTarget) onCancel();
    }}>
      <div
        className="dialog card"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="end-lesson-title"
        aria-describedby="end-lesson-text"
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
      </div>
    </div>
  );
}
