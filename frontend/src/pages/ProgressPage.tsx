import { Link } from "react-router-dom";
import { Loadable } from "../components/Loadable";
import { ErrorsChart, MinutesChart, WordsChart, XpChart } from "../progress/Charts";
import { LessonSummaries } from "../progress/LessonSummaries";
import { useProgress } from "../progress/queries";
import { Totals } from "../progress/Totals";
import { WeakWords } from "../progress/WeakWords";
import { usePageTitle } from "../usePageTitle";

export function ProgressPage() {
  usePageTitle("Прогресс");
  const progress = useProgress();
  return (
    <>
      <div className="page-header">
        <h1>Ваш прогресс</h1>
        {progress.data && <p className="muted">за последние {progress.data.days} дн.</p>}
      </div>
      <Loadable query={progress} loading="Загружаем прогресс…">
        {(data) => (
          <>
            <Totals totals={data.totals} />
            {data.totals.lessons === 0 && (
              <p className="notice">
                {/* One run of text: the notice lays out its children side by side. */}
                <span>
                  Вы ещё не занимались. <Link to="/student">Начните первый урок</Link> — и здесь
                  появятся ваши слова, ошибки и опыт.
                </span>
              </p>
            )}
            <div className="chart-grid">
              <XpChart data={data.xp_by_day} />
              <MinutesChart data={data.minutes_by_day} />
              <WordsChart data={data.words_by_day} />
              <ErrorsChart data={data.errors_by_day} categories={data.error_categories} />
            </div>
            <div className="progress-columns">
              <section className="section" aria-labelledby="lessons-title">
                <h2 id="lessons-title">Итоги уроков</h2>
                <LessonSummaries lessons={data.recent_lessons} />
              </section>
              <section className="section card weak-card" aria-labelledby="weak-title">
                <h2 id="weak-title">Слова на повторение</h2>
                <WeakWords words={data.weak_words} />
              </section>
            </div>
          </>
        )}
      </Loadable>
    </>
  );
}
