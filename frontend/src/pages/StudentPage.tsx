import { ChartColumn, Mic, Wallet } from "lucide-react";
import { Link } from "react-router-dom";
import { useUser } from "../auth/useAuth";
import { MinutesLeft } from "../billing/BalanceCard";
import { useBalance } from "../billing/queries";
import { Loadable } from "../components/Loadable";
import { usePageTitle } from "../usePageTitle";

function SoonBadge() {
  return <span className="badge">Скоро</span>;
}

function BalanceSummary() {
  const balance = useBalance();
  return (
    <section className="card" aria-labelledby="balance-summary-title">
      <span className="card-icon" aria-hidden="true"><Wallet size={24} /></span>
      <h2 id="balance-summary-title">Баланс</h2>
      <Loadable query={balance} loading="Загружаем баланс…">
        {({ minutes_left, low_balance }) => (
          <>
            <MinutesLeft minutes={minutes_left} />
            <p>{low_balance ? "Минуты заканчиваются — пополните баланс." : "голосовой практики"}</p>
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
          Здесь вы будете говорить по-английски с репетитором, который слушает, отвечает
          и бережно исправляет ошибки.
        </p>
      </section>
      <section className="card tutor-card" aria-labelledby="tutor-title">
        <span className="tutor-icon" aria-hidden="true"><Mic size={32} /></span>
        <div>
          <h2 id="tutor-title">Разговор с репетитором <SoonBadge /></h2>
          <p>
            Говорите или пишите по-английски — репетитор ответит голосом и коротко объяснит
            ошибки по-русски. Голосовой и текстовый чат скоро появится здесь.
          </p>
        </div>
      </section>
      <div className="card-grid">
        <BalanceSummary />
        <section className="card" aria-labelledby="progress-title">
          <span className="card-icon" aria-hidden="true"><ChartColumn size={24} /></span>
          <h2 id="progress-title">Прогресс <SoonBadge /></h2>
          <p>Новые слова, темы, которые вы освоили, и ошибки, над которыми стоит поработать.</p>
        </section>
      </div>
    </>
  );
}
