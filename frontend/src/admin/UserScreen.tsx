import { ArrowLeft } from "lucide-react";
import { Link, useParams } from "react-router-dom";
import { formatMinutes } from "../billing/format";
import { Loadable } from "../components/Loadable";
import { usePageTitle } from "../usePageTitle";
import { ROLE_LABELS, STATUS_LABELS, dateOnly, formatWhen } from "./labels";
import { useStudent } from "./queries";
import { UserActions } from "./UserActions";
import { UserKnowledge } from "./UserKnowledge";
import { UserLessons } from "./UserLessons";
import { UserWallet } from "./UserWallet";

/** One account: who, what the admin may do to it, and everything the service knows. */
export function UserScreen() {
  const userId = Number(useParams().userId);
  const student = useStudent(userId);
  usePageTitle(student.data ? student.data.account.name : "Пользователь");
  return (
    <>
      <Link to="/admin/users" className="muted">
        <ArrowLeft size={16} aria-hidden="true" /> Все пользователи
      </Link>
      <Loadable query={student} loading="Загружаем страницу ученика…">
        {(data) => {
          const { account, profile, learning } = data;
          return (
            <>
              <div className="person-head">
                <h1>{account.name}</h1>
                <span className={`role role-${account.role}`}>{ROLE_LABELS[account.role]}</span>
                <span className={`status status-${account.status}`}>
                  {STATUS_LABELS[account.status]}
                </span>
              </div>
              <section className="card" aria-labelledby="profile-title">
                <h2 id="profile-title">Профиль и уровень</h2>
                <dl className="facts">
                  <div><dt>Почта</dt><dd>{account.email}</dd></div>
                  <div><dt>Регистрация</dt><dd>{dateOnly.format(new Date(account.created_at))}</dd></div>
                  <div><dt>Последний вход</dt><dd>{formatWhen(account.last_login_at)}</dd></div>
                  <div><dt>Открытых сеансов</dt><dd>{data.open_sign_ins}</dd></div>
                  <div><dt>Голосовых сессий сейчас</dt><dd>{data.voice_sessions_here}</dd></div>
                  <div><dt>Уровень (профиль)</dt><dd>{profile?.level ?? "—"}</dd></div>
                  <div><dt>Оценка уровня</dt><dd>{learning?.level_estimate ?? "—"}</dd></div>
                  <div><dt>Уроков пройдено</dt><dd>{learning?.lessons_completed ?? 0}</dd></div>
                  <div>
                    <dt>Говорил</dt>
                    <dd>{formatMinutes(data.voice_minutes)}</dd>
                  </div>
                  <div><dt>XP и серия</dt><dd>{learning?.xp ?? 0} XP, {learning?.streak_days ?? 0} дн.</dd></div>
                  <div><dt>Слова</dt><dd>{data.weak_words} слабых, {data.known_words} знакомых</dd></div>
                  <div>
                    <dt>Цели</dt>
                    <dd>{profile?.goals.length ? profile.goals.join(", ") : "—"}</dd>
                  </div>
                </dl>
              </section>
              <UserActions account={account} />
              <UserWallet userId={userId} wallet={data.wallet} />
              <UserLessons userId={userId} />
              <UserKnowledge userId={userId} />
            </>
          );
        }}
      </Loadable>
    </>
  );
}
