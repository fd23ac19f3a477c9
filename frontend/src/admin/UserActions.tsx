import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Ban, LogOut, ShieldCheck, UserCheck } from "lucide-react";
import { useState, type FormEvent } from "react";
import { api, unwrap } from "../api/client";
import { useUser } from "../auth/useAuth";
import { ErrorMessage } from "../components/ErrorMessage";
import { ROLE_LABELS, type AdminUserRow } from "./labels";
import { ADMIN_KEY } from "./queries";

/** Role, block and unblock, sign-outs: refused by the server for one's own account and for
 * the last admin, with its message shown here. */
export function UserActions({ account }: { account: AdminUserRow }) {
  const me = useUser();
  const queryClient = useQueryClient();
  const [role, setRole] = useState(account.role);
  const [reason, setReason] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const path = { params: { path: { user_id: account.id } } };
  const act = useMutation({
    mutationFn: async (action: "role" | "block" | "unblock" | "sign_out"): Promise<string> => {
      if (action === "role") {
        await unwrap(api.PUT("/api/admin/users/{user_id}/role", { ...path, body: { role } }));
        return `Роль изменена: ${ROLE_LABELS[role]}.`;
      }
      if (action === "block") {
        await unwrap(api.POST("/api/admin/users/{user_id}/block", {
          ...path, body: reason.trim() ? { reason: reason.trim() } : {},
        }));
        return "Аккаунт заблокирован: все сеансы и голосовой урок завершены.";
      }
      if (action === "unblock") {
        await unwrap(api.POST("/api/admin/users/{user_id}/unblock", path));
        return "Аккаунт разблокирован: войти можно снова.";
      }
      const { revoked } = await unwrap(api.DELETE("/api/admin/users/{user_id}/sessions", path));
      return `Сеансов завершено: ${revoked}.`;
    },
    onMutate: () => setDone(null),
    onSuccess: (message) => {
      setDone(message);
      setReason("");
      void queryClient.invalidateQueries({ queryKey: ADMIN_KEY });
    },
  });
  if (account.id === me.id) {
    return (
      <section className="card" aria-labelledby="actions-title">
        <h2 id="actions-title">Управление</h2>
        <p>Это ваш аккаунт: его роль и доступ меняет другой администратор.</p>
      </section>
    );
  }
  const submit = (action: "role" | "block") => (event: FormEvent) => {
    event.preventDefault();
    act.mutate(action);
  };
  const blocked = account.status === "blocked";
  return (
    <section className="card" aria-labelledby="actions-title">
      <h2 id="actions-title">Управление</h2>
      <div className="admin-grid">
        <form className="action-form" onSubmit={submit("role")}>
          <label htmlFor="new-role">Роль</label>
          <div className="action-row">
            <select
              id="new-role"
              value={role}
              onChange={(event) => setRole(event.target.value as AdminUserRow["role"])}
            >
              <option value="student">{ROLE_LABELS.student}</option>
              <option value="admin">{ROLE_LABELS.admin}</option>
            </select>
            <button
              type="submit"
              className="btn btn-ghost"
              disabled={act.isPending || role === account.role}
            >
              <ShieldCheck size={18} aria-hidden="true" /> Сменить роль
            </button>
          </div>
        </form>
        {blocked ? (
          <div className="action-form">
            <p>Аккаунт заблокирован: войти нельзя.</p>
            <button
              type="button"
              className="btn btn-primary"
              disabled={act.isPending}
              onClick={() => act.mutate("unblock")}
            >
              <UserCheck size={18} aria-hidden="true" /> Разблокировать
            </button>
          </div>
        ) : (
          <form className="action-form" onSubmit={submit("block")}>
            <label htmlFor="block-reason">Причина блокировки (для журнала)</label>
            <input
              id="block-reason"
              value={reason}
              maxLength={255}
              placeholder="Например, жалоба на спам"
              onChange={(event) => setReason(event.target.value)}
            />
            <button type="submit" className="btn btn-danger" disabled={act.isPending}>
              <Ban size={18} aria-hidden="true" /> Заблокировать
            </button>
          </form>
        )}
        <div className="action-form">
          <p>Выйти на всех устройствах: браузеры, токены и голосовой урок.</p>
          <button
            type="button"
            className="btn btn-ghost"
            disabled={act.isPending}
            onClick={() => act.mutate("sign_out")}
          >
            <LogOut size={18} aria-hidden="true" /> Завершить все сеансы
          </button>
        </div>
      </div>
      {act.isError && <ErrorMessage>{act.error.message}</ErrorMessage>}
      {done && <p className="notice notice-success" role="status">{done}</p>}
    </section>
  );
}
