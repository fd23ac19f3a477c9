import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap, type UserPublic } from "../api/client";
import { Loadable } from "../components/Loadable";
import { Pager } from "../components/Pager";
import { usePageTitle } from "../usePageTitle";

const PAGE_SIZE = 50;
const ROLE_LABELS: Record<UserPublic["role"], string> = {
  student: "Ученик",
  admin: "Администратор",
};
const dateFormat = new Intl.DateTimeFormat("ru-RU", { dateStyle: "medium" });

export function AdminPage() {
  usePageTitle("Пользователи");
  const [offset, setOffset] = useState(0);
  const users = useQuery({
    queryKey: ["admin", "users", offset],
    queryFn: () =>
      unwrap(api.GET("/api/admin/users", { params: { query: { limit: PAGE_SIZE, offset } } })),
    placeholderData: keepPreviousData,
  });

  return (
    <>
      <div className="page-header">
        <h1>Пользователи</h1>
        {users.data && <p className="muted">Всего: {users.data.total}</p>}
      </div>
      <Loadable query={users} loading="Загружаем список…">
        {({ items, total }) => (
          <div className="card table-card">
            <div
              className="table-scroll"
              role="region"
              aria-label="Список пользователей"
              tabIndex={0}
            >
              <table>
                <thead>
                  <tr>
                    <th scope="col">Имя</th>
                    <th scope="col">Почта</th>
                    <th scope="col">Роль</th>
                    <th scope="col">Регистрация</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((user) => (
                    <tr key={user.id}>
                      <td data-label="Имя">{user.name}</td>
                      <td data-label="Почта">{user.email}</td>
                      <td data-label="Роль">
                        <span className={`role role-${user.role}`}>{ROLE_LABELS[user.role]}</span>
                      </td>
                      <td data-label="Регистрация">
                        {dateFormat.format(new Date(user.created_at))}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager offset={offset} pageSize={PAGE_SIZE} total={total} onChange={setOffset} />
          </div>
        )}
      </Loadable>
    </>
  );
}
