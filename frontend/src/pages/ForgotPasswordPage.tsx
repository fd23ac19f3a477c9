import { ArrowLeft, MailCheck } from "lucide-react";
import { useState, type FormEvent } from "react";
import { Link, useLocation } from "react-router-dom";
import { emailError } from "../auth/rules";
import { useRequestPasswordReset } from "../auth/useAuth";
import { AuthLayout } from "../components/AuthLayout";
import { ErrorMessage } from "../components/ErrorMessage";
import { TextField } from "../components/TextField";
import { usePageTitle } from "../usePageTitle";

/** «Забыли пароль?»: an address, then the same answer whether it has an account or not. */
export function ForgotPasswordPage() {
  usePageTitle("Восстановление пароля");
  const { state } = useLocation();
  const given = typeof state?.email === "string" ? state.email : "";
  const [email, setEmail] = useState(given);
  const [error, setError] = useState<string>();
  const [sentTo, setSentTo] = useState<string>();
  const request = useRequestPasswordReset();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found = emailError(email);
    setError(found);
    if (found) {
      const input = event.currentTarget.elements.namedItem("email");
      if (input instanceof HTMLInputElement) input.focus();
      return;
    }
    const address = email.trim();
    request.mutate(address, { onSuccess: () => setSentTo(address) });
  }

  if (sentTo) {
    return (
      <AuthLayout>
        <span className="auth-card-icon" aria-hidden="true"><MailCheck size={28} /></span>
        <h1>Проверьте почту</h1>
        <p className="muted">
          Если для <strong className="address">{sentTo}</strong> есть аккаунт, мы отправили на
          этот адрес письмо со ссылкой для смены пароля. Ссылка действует один час.
        </p>
        <p className="muted">
          Письма нет через несколько минут? Загляните в папку «Спам» или отправьте ещё раз.
        </p>
        <div className="auth-actions">
          <button
            type="button"
            className="btn btn-ghost btn-block"
            onClick={() => { request.reset(); setSentTo(undefined); }}
          >
            Отправить ещё раз
          </button>
          <Link to="/login" className="btn btn-primary btn-block">Вернуться ко входу</Link>
        </div>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout>
      <Link to="/login" className="back-link">
        <ArrowLeft size={18} aria-hidden="true" />
        Ко входу
      </Link>
      <h1>Забыли пароль?</h1>
      <p className="muted">
        Укажите почту, с которой регистрировались, — пришлём ссылку, чтобы придумать новый
        пароль.
      </p>
      <form onSubmit={submit} noValidate>
        <TextField
          label="Электронная почта"
          name="email"
          type="email"
          autoComplete="email"
          maxLength={254}
          value={email}
          onChange={(event) => { setEmail(event.target.value); setError(undefined); }}
          error={error}
        />
        {request.isError && <ErrorMessage>{request.error.message}</ErrorMessage>}
        <button type="submit" className="btn btn-primary btn-block" disabled={request.isPending}>
          {request.isPending ? "Отправляем…" : "Прислать ссылку"}
        </button>
      </form>
    </AuthLayout>
  );
}
