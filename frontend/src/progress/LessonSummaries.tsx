import { formatMinutes, plural } from "../billing/format";
import { categoryName } from "../tutor/categories";
import { formatDate } from "./format";
import type { LessonSummary } from "./queries";
import { readSummary, type ReadSummary } from "./summary";

/** "4 реплики · 3 минуты голосом · 2 ошибки": what the lesson was, typed or spoken. */
function facts(lesson: LessonSummary, summary: ReadSummary): string {
  const turns = summary.studentTurns;
  const parts = [`${turns} ${plural(turns, ["реплика", "реплики", "реплик"])}`];
  if (lesson.minutes > 0) parts.push(`${formatMinutes(lesson.minutes)} голосом`);
  const errors = summary.errors;
  parts.push(errors === 0 ? "без ошибок" : `${errors} ${plural(errors, ["ошибка", "ошибки", "ошибок"])}`);
  return parts.join(" · ");
}

function NewWords({ words }: { words: string[] }) {
  if (words.length === 0) {
    return <p className="muted">Новых слов в этом уроке нет.</p>;
  }
  return (
    <div className="word-chips">
      <span className="muted">Новые слова ({words.length}):</span>
      {words.map((word) => <span key={word} className="chip" lang="en">{word}</span>)}
    </div>
  );
}

function LessonCard({ lesson }: { lesson: LessonSummary }) {
  const summary = readSummary(lesson.summary);
  const titleId = `lesson-${lesson.lesson_id}`;
  return (
    <article className="card lesson-card" aria-labelledby={titleId}>
      <header className="lesson-head">
        <h3 id={titleId}>Урок {lesson.number}{lesson.topic ? `: ${lesson.topic}` : ""}</h3>
        <span className="badge">+{lesson.xp_earned} XP</span>
      </header>
      <p className="muted">{formatDate(lesson.started_at)}</p>
      {lesson.summary === null && (
        <p className="muted">{lesson.ended_at ? "Итоги урока готовятся…" : "Урок ещё идёт."}</p>
      )}
      {lesson.summary !== null && summary.studentTurns === 0 && (
        <p className="muted">В этом уроке вы ничего не сказали.</p>
      )}
      {summary.studentTurns > 0 && <p className="lesson-facts">{facts(lesson, summary)}</p>}
      {summary.grammarNotes.length > 0 && (
        <ul className="grammar-notes">
          {summary.grammarNotes.map((note) => (
            <li key={note.category}>
              <strong>{categoryName(note.category)}</strong>
              {note.count > 1 && <span className="muted"> × {note.count}</span>}
              {note.note && <p>{note.note}</p>}
              {note.examples.length > 0 && (
                <p className="examples" lang="en">
                  {note.examples.map((example, index) => (
                    <span key={index}>
                      <del className="fix-original">{example.original}</del>
                      <ins className="fix-correction">{example.correction}</ins>
                    </span>
                  ))}
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
      {summary.studentTurns > 0 && <NewWords words={lesson.new_words} />}
    </article>
  );
}

export function LessonSummaries({ lessons }: { lessons: LessonSummary[] }) {
  if (lessons.length === 0) {
    return <p className="muted">Здесь появятся итоги ваших уроков.</p>;
  }
  return (
    <div className="lesson-list">
      {lessons.map((lesson) => <LessonCard key={lesson.lesson_id} lesson={lesson} />)}
    </div>
  );
}
