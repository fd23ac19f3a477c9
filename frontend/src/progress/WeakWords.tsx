import { formatDue } from "./format";
import type { WeakWord } from "./queries";

/** Words that still trip the student up, and when the tutor brings each back. */
export function WeakWords({ words }: { words: WeakWord[] }) {
  if (words.length === 0) {
    return <p className="muted">Трудных слов пока нет. Репетитор отметит их, когда заметит ошибки.</p>;
  }
  return (
    <ul className="weak-words">
      {words.map((word) => (
        <li key={word.word}>
          <span className="weak-word" lang="en">{word.word}</span>
          <span className="weak-due">{formatDue(word.due_at)}</span>
          <span className="weak-score" aria-label={`верно ${word.times_correct}, с ошибкой ${word.times_wrong}`}>
            <span className="amount-plus">✓ {word.times_correct}</span>{" "}
            <span className="amount-minus">✗ {word.times_wrong}</span>
          </span>
        </li>
      ))}
    </ul>
  );
}
