import { ChartColumn, PartyPopper, X } from "lucide-react";
import { Link } from "react-router-dom";
import { plural } from "../billing/format";
import { ErrorMessage } from "../components/ErrorMessage";
import { askedLabel } from "./CorrectedText";
import { useLessonOutcome } from "./queries";
import type { Correction } from "./types";

const CORRECTION = ["исправление", "исправления", "исправлений"] as const;
const WORD = ["новое слово", "новых слова", "новых слов"] as const;

type Props = { lessonId: number; onClose: () => void };
type Fix = Pick<Correction, "original" | "correction" | "explanation"> & { uncertain?: boolean };

/** Mistakes with their fixes and reasons; one heard without confidence is asked, not stated. */
function FixList({ fixes }: { fixes: Fix[] }) {
  return (
    <ul className="lesson-summary-fixes">
      {fixes.map((fix) => (
        <li key={`${fix.original}→${fix.correction}`}>
          {fix.uncertain ? (
            <span lang="ru" className="fix-asked">{askedLabel(fix.original, fix.correction)}</span>
          ) : (
            <span lang="en">
              <del className="fix-original">{fix.original}</del>{" "}
              <ins className="fix-correction">{fix.correction}</ins>
            </span>
          )}
          <span className="muted">{fix.explanation}</span>
        </li>
      ))}
    </ul>
  );
}

/** What the lesson just ended gave: XP, its corrections, new words, and the way to progress. */
export function LessonSummaryCard({ lessonId, onClose }: Props) {
  const outcome = useLessonOutcome(lessonId);
  if (outcome.isError) {
    return <ErrorMessage>{outcome.error.message}</ErrorMessage>;
  }
  const data = outcome.data;
  const ready = data?.ready ?? false;
  return (
    <section className="lesson-summary" aria-labelledby="lesson-summary-title" aria-busy={!ready}>
      <header className="lesson-summary-head">
        <span className="card-icon" aria-hidden="true"><PartyPopper size={22} /></span>
        <h3 id="lesson-summary-title">
          {data ? `Урок ${data.number} окончен` : "Урок окончен"}
        </h3>
        <button type="button" className="icon-button" onClick={onClose} aria-label="Закрыть итоги">
          <X size={18} aria-hidden="true" />
        </button>
      </header>
      {!data ? (
        <p className="muted" role="status">Загружаем итоги…</p>
      ) : (
        <>
          <dl className="lesson-summary-stats">
            <div>
              <dt>Опыт</dt>
              <dd>{ready ? `+${data.xp_earned} XP` : "…"}</dd>
            </div>
            <div>
              <dt>Исправления</dt>
              <dd>{data.corrections.length}</dd>
            </div>
            <div>
              <dt>Новые слова</dt>
              <dd>{ready ? data.new_words.length : "…"}</dd>
            </div>
          </dl>
          {!ready && <p className="muted" role="status">Считаем опыт и новые слова…</p>}
          {data.corrections.length > 0 ? (
            <div>
              <h4>
                {data.corrections.length} {plural(data.corrections.length, CORRECTION)}
              </h4>
              <FixList fixes={data.corrections} />
            </div>
          ) : (
            <p>{data.deep_findings.length > 0 ? "Во время урока ошибок не было." : "Ошибок не было — отлично!"}</p>
          )}
          {data.deep_findings.length > 0 && (
            <div>
              <h4>При разборе урока заметили ещё</h4>
              <FixList fixes={data.deep_findings} />
            </div>
          )}
          {ready && (data.new_words.length > 0 ? (
            <div className="word-chips">
              <span className="muted">
                {data.new_words.length} {plural(data.new_words.length, WORD)}:
              </span>
              {data.new_words.map((word) => <span key={word} className="chip" lang="en">{word}</span>)}
            </div>
          ) : (
            <p className="muted">Новых слов в этот раз нет.</p>
          ))}
        </>
      )}
      <div className="lesson-summary-actions">
        <Link to="/progress" className="btn btn-ghost">
          <ChartColumn size={18} aria-hidden="true" /> Весь прогресс
        </Link>
        <span className="muted">Скажите или напишите фразу, чтобы начать новый урок.</span>
      </div>
    </section>
  );
}
