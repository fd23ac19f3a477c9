import { useDeferredValue, useState } from "react";
import { Link } from "react-router-dom";
import { formatRub } from "../billing/format";
import { Loadable } from "../components/Loadable";
import { Pager } from "../components/Pager";
import { usePageTitle } from "../usePageTitle";
import { ROLE_LABELS, STATUS_LABELS, formatWhen } from "./labels";
import { USERS_PAGE, useUsers, type UserFilters } from "./queries";

export function UsersScreen() {
  usePageTitle("Пользователи");
  const [filters, setFilters] = useState<UserFilters>({ q: "", role: "", status: "", offset: 0 });
  const q = useDeferredValue(filters.q.trim());
  const users = useUsers({ ...filters, q });
  const set = (changes: Partial<UserFilters>) =>
    setFilters((current) => ({ ...current, offset: 0, ...changes }));

  return (
    <>
      <div className="page-header">
        <h1>Пользователи</h1>
        {users.data && <p className="muted">Найдено: {users.data.total}</p>}
      </div>
      <form className="card filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <div className="field field-wide">
          <label htmlFor="user-search">Имя или email</label>
          <input
            id="user-search"
            type="search"
            placeholder="Например, Анна или anna@"
            value={filters.q}
            maxLength={100}
            onChange={(event) => set({ q: event.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor="user-role">Роль</label>
          <select
            id="user-role"
            value={filters.role}
            onChange={(event) => set({ role: event.target.value as UserFilters["role"] })}
          >
            <option value="">Все роли</option>
            <option value="student">Ученики</option>
            <option value="admin">Администраторы</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="user-status">Статус</label>
          <select
            id="user-status"
            value={filters.status}
            onChange={(event) => set({ status: event.target.value as UserFilters["status"] })}
          >
            <option value="">Все</option>
            <option value="active">Активные</option>
            <option value="blocked">Заблокированные</option>
          </select>
        </div>
      </form>
      <Loadable query={users} loading="Загружаем список…">
        {({ items, total }) => items.length === 0 ? (
          <p className="card muted">Никого не нашли: измените поиск или фильтры.</p>
        ) : (
          <div className="card table-card">
            <div className="table-scroll" role="region" aria-label="Список пользователей" tabIndex={0}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">Имя</th>
                    <th scope="col">Почта</th>
                    <th scope="col">Роль</th>
                    <th scope="col">Статус</th>
                    <th scope="col">Баланс</th>
                    <th scope="col">Последний вход</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((user) => (
                    <tr key={user.id}>
                      <td data-label="Имя"><Link to={`/admin/users/${user.id}`}>{user.name}</Link></td>
                      <td data-label="Почта">{user.email}</td>
                      <td data-label="Роль">
                        <span className={`role role-${user.role}`}>{ROLE_LABELS[user.role]}</span>
                      </td>
                      <td data-label="Статус">
                        <span className={`status status-${user.status}`}>
                          {STATUS_LABELS[user.status]}
                        </span>
                      </td>
                      <td data-label="Баланс">{formatRub(user.balance_kopecks)}</td>
                      <td data-label="Последний вход">{formatWhen(user.last_login_at)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager
              offset={filters.offset}
              pageSize={USERS_PAGE}
              total={total}
              onChange={(offset) => setFilters((current) => ({ ...current, offset }))}
            />
          </div>
        )}
      </Loadable>
    </>
  );
}
