import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Link } from "react-router-dom";
import { usePageTitle } from "../usePageTitle";
import { MonitorLessons } from "./MonitorLessons";
import { JOBS_KEY, MonitorQueue } from "./MonitorQueue";
import { ADMIN_KEY } from "./queries";
import { StageBar, StageLegend } from "./StageBar";
import { formatMs } from "./stages";
import { useLiveSessions, type LiveSession, type LiveState } from "./useLiveSessions";
import "./monitor.css";

const STATE_LABELS: Record<LiveSession["state"], string> = {
  starting: "Подключается",
  listening: "Слушает",
  thinking: "Думает",
  speaking: "Говорит",
};

const CONNECTION_LABELS: Record<LiveState["connection"], string> = {
  connecting: "Подключаемся…",
  live: "Обновляется в реальном времени",
  lost: "Связь потеряна, переподключаемся…",
};

const clock = new Intl.DateTimeFormat("ru-RU", { hour: "2-digit", minute: "2-digit" });

/** The pipelines: voice sessions open now, the analysis queue, recent lessons. */
export function MonitorScreen() {
  usePageTitle("Мониторинг");
  const live = useLiveSessions();
  const queryClient = useQueryClient();
  // A session opened, answered or ended: the recent lessons and the queue have news.
  const progress = live.sessions.map((s) => `${s.id}:${s.turns}`).join(",");
  useEffect(() => {
    void queryClient.invalidateQueries({ queryKey: [...ADMIN_KEY, "tutor-lessons"] });
    void queryClient.invalidateQueries({ queryKey: JOBS_KEY });
  }, [progress, queryClient]);
  return (
    <>
      <div className="page-header">
        <h1>Мониторинг</h1>
        <p className={`live-connection is-${live.connection}`} role="status">
          <span className="live-dot" aria-hidden="true" /> {CONNECTION_LABELS[live.connection]}
        </p>
      </div>
      <LiveSessions live={live} />
      <MonitorQueue />
      <MonitorLessons />
    </>
  );
}

function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

function LiveSessions({ live }: { live: LiveState }) {
  const now = useNow(15_000);
  const scale = Math.max(0, ...live.sessions.map((s) => s.last_turn?.end_to_first_audio ?? 0));
  return (
    <section className="card" aria-labelledby="live-title">
      <div className="section-head">
        <h2 id="live-title">Идут сейчас: {live.sessions.length}</h2>
        {live.scope === "this_process" && (
          <span className="meta">Только сессии этого процесса: Redis не подключён</span>
        )}
      </div>
      {live.connection !== "connecting" && live.sessions.length === 0 && (
        <p className="muted">Сейчас никто не занимается голосом.</p>
      )}
      {live.sessions.length > 0 && (
        <>
          <ul className="live-grid" aria-label="Голосовые сессии">
            {live.sessions.map((session) => (
              <LiveCard key={session.id} session={session} now={now} scaleMs={scale} />
            ))}
          </ul>
          {live.sessions.some((s) => s.last_turn) && <StageLegend />}
        </>
      )}
    </section>
  );
}

function LiveCard({ session, now, scaleMs }: { session: LiveSession; now: number; scaleMs: number }) {
  const since = new Date(session.since);
  const minutes = Math.max(0, Math.floor((now - since.getTime()) / 60_000));
  const latency = session.last_turn?.end_to_first_audio;
  return (
    <li className="live-card" aria-label={`Сессия: ${session.name}`}>
      <div className="section-head">
        <Link to={`/admin/users/${session.user_id}`} className="live-name">{session.name}</Link>
        <span className={`live-state state-${session.state}`}>{STATE_LABELS[session.state]}</span>
      </div>
      <span className="meta live-email">{session.email}</span>
      <dl className="live-facts">
        <div><dt>Начало</dt><dd>{clock.format(since)}</dd></div>
        <div><dt>Идёт</dt><dd>{minutes} мин</dd></div>
        <div><dt>Списано</dt><dd>{session.minutes_charged} мин</dd></div>
        <div><dt>Реплик</dt><dd>{session.turns}</dd></div>
      </dl>
      <span className="meta">
        Последний ответ: {latency === undefined ? "ещё не было" : `${formatMs(latency)} до первого звука`}
      </span>
      {session.last_turn && <StageBar timings={session.last_turn} scaleMs={scaleMs} />}
    </li>
  );
}
