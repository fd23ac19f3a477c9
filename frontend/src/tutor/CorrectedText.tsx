import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import { categoryName } from "./categories";
import { segmentText } from "./corrections";
import type { Correction } from "./types";

/** A mistake in words speech-to-text was unsure of: the student may not have said them. */
export function askedLabel(original: string, correction: string): string {
  return original
    ? `Вы сказали «${original}»? Правильно: «${correction}»`
    : `Вы пропустили слово? Правильно: «${correction}»`;
}

/** One mistake: struck out, the fix beside it; the reason on hover, focus or tap. One heard
 * without confidence is asked, not struck out. */
function Fix({ text, correction }: { text: string; correction: Correction }) {
  const [open, setOpen] = useState(false);
  const noteId = useId();
  const note = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    if (open) note.current?.scrollIntoView?.({ block: "nearest" });
  }, [open]);
  const label = correction.uncertain
    ? askedLabel(text, correction.correction)
    : text
      ? `Ошибка: «${text}», правильно: «${correction.correction}»`
      : `Пропущено: «${correction.correction}»`;
  const closeOnEscape = (event: KeyboardEvent) => {
    if (event.key === "Escape") setOpen(false);
  };
  return (
    <span className={correction.uncertain ? "fix is-asked" : "fix"}>
      <button
        type="button"
        className="fix-button"
        lang="ru"
        aria-label={label}
        aria-expanded={open}
        aria-describedby={noteId}
        onClick={() => setOpen((value) => !value)}
        onKeyDown={closeOnEscape}
        onBlur={() => setOpen(false)}
      >
        {text && (correction.uncertain
          ? <span className="fix-original" lang="en">{text}?</span>
          : <del className="fix-original" lang="en">{text}</del>)}
        <ins className="fix-correction" lang="en">{correction.correction}</ins>
      </button>
      <span
        role="tooltip"
        id={noteId}
        ref={note}
        lang="ru"
        className={open ? "fix-note is-open" : "fix-note"}
      >
        <span className="fix-category">{categoryName(correction.category)}</span>
        {correction.uncertain && <span className="fix-asked">{label}. </span>}
        {correction.explanation}
      </span>
    </span>
  );
}

/** The student's words with each correction marked where it belongs. */
export function CorrectedText({ text, corrections }: { text: string; corrections: Correction[] }) {
  return (
    <>
      {segmentText(text, corrections).map((segment, index) =>
        segment.kind === "text"
          ? <span key={index}>{segment.text}</span>
          : <Fix key={index} text={segment.text} correction={segment.correction} />)}
    </>
  );
}
