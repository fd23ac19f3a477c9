import { CloudOff, LoaderCircle, RotateCw } from "lucide-react";
import type { ReactNode } from "react";
import { Navigate } from "react-router-dom";
import type { UserPublic } from "../api/client";
import { useMe } from "../auth/useAuth";
import { StatusScreen } from "./StatusScreen";

type Props = { role?: UserPublic["role"]; children: ReactNode };

/** Renders children for a signed-in user (of `role`, if given); otherwise redirects. */
export function RequireAuth({ role, children }: Props) {
  const me = useMe();
  if (me.isPending) return <StatusScreen icon={LoaderCircle} title="Загружаем…" busy />;
  if (me.isError) {
    return (
      <StatusScreen icon={CloudOff} title="Сервер недоступен">
        <p>{me.error.message}</p>
        <button type="button" className="btn btn-primary" onClick={() => void me.refetch()}>
          <RotateCw size={18} aria-hidden="true" /> Повторить
        </button>
      </StatusScreen>
    );
  }
  if (!me.data) return <Navigate to="/login" replace />;
  if (role && me.data.role !== role) return <Navigate to="/student" replace />;
  return <>{children}</>;
}
