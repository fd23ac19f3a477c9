import { ChartColumn, Wallet } from "lucide-react";
import { Link } from "react-router-dom";
import { useUser } from "../auth/useAuth";
import { MinutesLeft } from "../billing/BalanceCard";
import { minutesStatus } from "../billing/format";
import { useBalance } from "../billing/queries";
import { Loadable } from "../components/Loadable";
import { TutorPanel } from "../tutor/TutorPanel";
import { usePageTitle } from "../usePageTitle";

const SUMMARY = {
  empty: "Минуты закончились — пополните баланс.",
  low: "Минуты заканчиваются — пополните баланс.",
  ok: "голосовой практики",
};

function BalanceSummary() {
  const balance = useBalance();
  return (
    <section className="card" aria-labelledby="balance-summary-title">
      <span className="card-icon" aria-hidden="true"><Wallet size={24} /></span>
      <h2 id="balance-summary-title">Баланс</h2>
      <Loadable query={balance} loading="Загружаем баланс…">
        {(data) => (
          <>
            <MinutesLeft minutes={data.minutes_left} />
            <p>{SUMMARY[minutesStatus(data)]}</p>
          </>
        )}
      </Loadable>
      <Link to="/billing" className="btn btn-ghost card-action">Пополнить баланс</Link>
    </section>
  );
}

export function StudentPage() {
  usePageTitle("Главная");
  const user = useUser();
  return (
    <>
      <section className="welcome">
        <h1>Здравствуйте, {user.name}!</h1>
        <p className="lead">
          Поговорим по-английски: репетитор слушает, отвечает голосом и бережно исправляет ошибки.
        </p>
      </section>
      <TutorPanel />
      <div className="card-grid">
        <BalanceSummary />
        <section className="card" aria-labelledby="progress-title">
          <span className="card-icon" aria-hidden="true"><ChartColumn size={24} /></span>
          <h2 id="progress-title">Прогресс</h2>
          <p>Новые слова, темы, которые вы освоили, и ошибки, над которыми стоит поработать.</p>
          <Link to="/progress" className="btn btn-ghost card-action">Смотреть прогресс</Link>
        </section>
      </div>
    </>
  );
}
