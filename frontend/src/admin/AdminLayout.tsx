import {
  Activity,
  ArrowLeft,
  BookCheck,
  Cpu,
  LayoutDashboard,
  ScrollText,
  Users,
  Wallet,
  type LucideIcon,
} from "lucide-react";
import { Link, NavLink, Outlet } from "react-router-dom";
import { useUser } from "../auth/useAuth";
import { Brand } from "../components/Brand";
import { SignOutButton } from "../components/SignOutButton";
import "./admin.css";

type Screen = { path: string; label: string; icon: LucideIcon };

/** The admin's screens, in the order of the menu: a new screen is one line here and one route. */
export const ADMIN_SCREENS: readonly Screen[] = [
  { path: "overview", label: "Обзор", icon: LayoutDashboard },
  { path: "users", label: "Пользователи", icon: Users },
  { path: "monitor", label: "Мониторинг", icon: Activity },
  { path: "rules", label: "Правила", icon: BookCheck },
  { path: "billing", label: "Биллинг", icon: Wallet },
  { path: "providers", label: "Провайдеры", icon: Cpu },
  { path: "audit", label: "Журнал", icon: ScrollText },
];

export function AdminLayout() {
  const user = useUser();
  return (
    <div className="shell admin-shell">
      <a className="skip-link" href="#main">Перейти к содержимому</a>
      <header className="topbar">
        <div className="topbar-inner admin-topbar">
          <Link to="/admin" className="brand-link" aria-label="Админ-панель AIlingva">
            <Brand />
          </Link>
          <span className="admin-tag">Админ-панель</span>
          <div className="account">
            <Link to="/student" className="btn btn-ghost" title="К урокам">
              <ArrowLeft size={18} aria-hidden="true" /> <span className="btn-label">К урокам</span>
            </Link>
            <span className="account-name" title={user.email}>{user.name}</span>
            <SignOutButton />
          </div>
        </div>
      </header>
      <div className="admin-body">
        <nav className="admin-nav" aria-label="Разделы админ-панели">
          {ADMIN_SCREENS.map(({ path, label, icon: Icon }) => (
            <NavLink key={path} to={`/admin/${path}`}>
              <Icon size={18} aria-hidden="true" /> {label}
            </NavLink>
          ))}
        </nav>
        <main id="main" className="admin-main" tabIndex={-1}>
          <Outlet />
        </main>
      </div>
    </div>
  );
}
