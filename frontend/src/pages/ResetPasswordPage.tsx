import { CircleCheck, KeyRound, LinkIcon } from "lucide-react";
import { useEffect, useState, type FormEvent } from "react";
import { Link, useLocation, useNavigate } from "react-router-dom";
import { ApiError } from "../api/client";
import { PASSWORD_HINT, passwordError } from "../auth/rules";
import { useResetLinkCheck, useResetPassword } from "../auth/useAuth";
import { AuthLayout } from "../components/AuthLayout";
import { ErrorMessage } from "../components/ErrorMessage";
import { PasswordField } from "../components/PasswordField";
import { usePageTitle } from "../usePageTitle";

const LINK_ERRORS = new Set(["reset_link_invalid", "reset_link_expired", "reset_link_used"]);
const NO_TOKEN = "В адресе нет ключа из письма. Откройте ссылку из письма целиком или "
  + "запросите новую.";

/** The link's secret, from the address's fragment (`#token=…`), which no server ever sees. */
function tokenFrom(hash: string): string {
  return new URLSearchParams(hash.replace(/^#/, "")).get("token")?.trim() ?? "";
}

/** The page a reset mail links to: a new password, by the registration rules. */
export function ResetPasswordPage() {
  usePageTitle("Новый пароль");
  const location = useLocation();
  const navigate = useNavigate();
  const [token, setToken] = useState(() => tokenFrom(location.hash));

  // The secret leaves the address bar (and the history) as soon as it is read; a link opened
  // over this page (only the fragment changes, the page stays) brings its own.
  useEffect(() => {
    if (!location.hash) return;
    setToken(tokenFrom(location.hash));
    navigate({ pathname: location.pathname, hash: "" }, { replace: true });
  }, [location.hash, location.pathname, navigate]);

  return <NewPassword key={token} token={token} />;
}

function NewPassword({ token }: { token: string }) {
  const check = useResetLinkCheck(token);
  const reset = useResetPassword();
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string>();

  const linkError = [check.error, reset.error].find(
    (failure) => failure instanceof ApiError && LINK_ERRORS.has(failure.code),
  );
  if (!token || linkError) {
    return (
      <AuthLayout>
        <span className="auth-card-icon auth-card-icon-warning" aria-hidden="true">
          <LinkIcon size={28} />
        </span>
        <h1>Ссылка не работает</h1>
        <p className="muted" role="alert">{linkError?.message ?? NO_TOKEN}</p>
        <div className="auth-actions">
          <Link to="/forgot-password" className="btn btn-primary btn-block">
            Запросить новую ссылку
          </Link>
          <Link to="/login" className="btn btn-ghost btn-block">Ко входу</Link>
        </div>
      </AuthLayout>
    );
  }

  if (reset.isSuccess) {
    return (
      <AuthLayout>
        <span className="auth-card-icon" aria-hidden="true"><CircleCheck size={28} /></span>
        <h1>Пароль изменён</h1>
        <p className="muted">
          Вы вошли с новым паролем. На всех остальных устройствах мы вышли из аккаунта — там
          войдите заново.
        </p>
        <div className="auth-actions">
          <Link to="/student" className="btn btn-primary btn-block">К занятиям</Link>
        </div>
      </AuthLayout>
    );
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found = passwordError(password, { isNew: true });
    setError(found);
    if (found) {
      const input = event.currentTarget.elements.namedItem("password");
      if (input instanceof HTMLInputElement) input.focus();
      return;
    }
    reset.mutate({ token, password });
  }

  const weak = reset.error instanceof ApiError && reset.error.code === "weak_password";
  return (
    <AuthLayout>
      <span className="auth-card-icon" aria-hidden="true"><KeyRound size={28} /></span>
      <h1>Новый пароль</h1>
      <p className="muted">
        Придумайте новый пароль. После смены мы выйдем из аккаунта на всех устройствах.
      </p>
      {check.isPending ? (
        <p className="muted" role="status">Проверяем ссылку…</p>
      ) : check.isError ? (
        <ErrorMessage>{check.error.message}</ErrorMessage>
      ) : (
        <form onSubmit={submit} noValidate>
          <PasswordField
            label="Новый пароль"
            name="password"
            autoComplete="new-password"
            value={password}
            onChange={(event) => {
              setPassword(event.target.value);
              setError(undefined);
              if (reset.isError) reset.reset();
            }}
            error={error ?? (weak ? reset.error?.message : undefined)}
            hint={PASSWORD_HINT}
          />
          {reset.isError && !weak && <ErrorMessage>{reset.error.message}</ErrorMessage>}
          <button type="submit" className="btn btn-primary btn-block" disabled={reset.isPending}>
            {reset.isPending ? "Сохраняем…" : "Сохранить пароль"}
          </button>
        </form>
      )}
    </AuthLayout>
  );
}
