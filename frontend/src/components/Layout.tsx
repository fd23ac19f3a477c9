import { ChartColumn, House, LoaderCircle, ShieldCheck, Wallet } from "lucide-react";
import { Link, NavLink, Outlet } from "react-router-dom";
import { useMe, useUser } from "../auth/useAuth";
import { Brand } from "./Brand";
import { SignOutButton } from "./SignOutButton";
import { StatusScreen } from "./StatusScreen";

/** Pages anyone may see (a missing page): with the navigation for a signed-in user. */
export function LayoutIfSignedIn() {
  const me = useMe();
  if (me.isPending) return <StatusScreen icon={LoaderCircle} title="Загружаем…" busy />;
  return me.data ? <Layout /> : <Outlet />;
}

export function Layout() {
  const user = useUser();
  return (
    <div className="shell">
      <a className="skip-link" href="#main">Перейти к содержимому</a>
      <header className="topbar">
        <div className="topbar-inner">
          <Link to="/student" className="brand-link" aria-label="AIlingva — на главную">
            <Brand />
          </Link>
          <nav className="nav" aria-label="Основное меню">
            <NavLink to="/student">
              <House size={18} aria-hidden="true" /> Главная
            </NavLink>
            <NavLink to="/progress">
              <ChartColumn size={18} aria-hidden="true" /> Прогресс
            </NavLink>
            <NavLink to="/billing">
              <Wallet size={18} aria-hidden="true" /> Баланс
            </NavLink>
            {user.role === "admin" && (
              <NavLink to="/admin">
                <ShieldCheck size={18} aria-hidden="true" /> Админ-панель
              </NavLink>
            )}
          </nav>
          <div className="account">
            <span className="avatar" aria-hidden="true">{user.name.charAt(0).toUpperCase()}</span>
            <span className="account-name" title={user.email}>{user.name}</span>
            <SignOutButton />
          </div>
        </div>
      </header>
      <main id="main" className="page" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
