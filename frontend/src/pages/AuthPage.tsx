import { useState, type ChangeEvent, type FormEvent } from "react";
import { Link, Navigate, NavLink, useLocation, useSearchParams } from "react-router-dom";
import { ApiError, type Schemas } from "../api/client";
import { emailError, PASSWORD_HINT, passwordError } from "../auth/rules";
import { SignupOffer } from "../auth/SignupOffer";
import { useMe, useSignIn, type AuthMode } from "../auth/useAuth";
import { AuthLayout } from "../components/AuthLayout";
import { ErrorMessage } from "../components/ErrorMessage";
import { PasswordField } from "../components/PasswordField";
import { TextField } from "../components/TextField";
import { usePageTitle } from "../usePageTitle";

type Form = Schemas["RegisterRequest"];
type Field = keyof Form;
type Errors = Partial<Record<Field, string>>;
type ModeText = { title: string; lead: string; submit: string; pending: string; fields: Field[] };

const TEXT: Record<AuthMode, ModeText> = {
  login: {
    title: "С возвращением!",
    lead: "Войдите, чтобы продолжить занятия.",
    submit: "Войти",
    pending: "Входим…",
    fields: ["email", "password"],
  },
  register: {
    title: "Создайте аккаунт",
    lead: "Это займёт меньше минуты.",
    submit: "Зарегистрироваться",
    pending: "Создаём аккаунт…",
    fields: ["name", "email", "password"],
  },
};

function validate(mode: AuthMode, form: Form): Errors {
  const errors: Errors = {};
  if (mode === "register" && !form.name.trim()) {
    errors.name = "Введите имя — так репетитор будет к вам обращаться.";
  }
  errors.email = emailError(form.email);
  errors.password = passwordError(form.password, { isNew: mode === "register" });
  return errors;
}

export function AuthPage({ mode }: { mode: AuthMode }) {
  const text = TEXT[mode];
  usePageTitle(mode === "login" ? "Вход" : "Регистрация");
  const me = useMe();
  const signIn = useSignIn(mode);
  const [form, setForm] = useState<Form>({ email: "", password: "", name: "" });
  const [errors, setErrors] = useState<Errors>({});
  const { search } = useLocation();
  const [searchParams, setSearchParams] = useSearchParams();
  // An invitation link: /register?ref=AB12CD34.
  const referralCode = mode === "register" ? searchParams.get("ref")?.trim() || null : null;
  const unknownCode = signIn.error instanceof ApiError
    && signIn.error.code === "unknown_referral_code";

  if (me.data) return <Navigate to="/student" replace />;

  function change(event: ChangeEvent<HTMLInputElement>) {
    const field = event.target.name as Field;
    const { value } = event.target;
    setForm((current) => ({ ...current, [field]: value }));
    setErrors((current) => ({ ...current, [field]: undefined }));
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found = validate(mode, form);
    setErrors(found);
    const firstInvalid = text.fields.find((field) => found[field]);
    if (firstInvalid) {
      const input = event.currentTarget.elements.namedItem(firstInvalid);
      if (input instanceof HTMLInputElement) input.focus();
      return;
    }
    send(referralCode);
  }

  function send(referral: string | null) {
    signIn.mutate({
      ...form,
      email: form.email.trim(),
      name: form.name.trim(),
      referral_code: referral ?? undefined,
    });
  }

  function registerWithoutCode() {
    setSearchParams((params) => {
      params.delete("ref");
      return params;
    }, { replace: true });
    send(null);
  }

  return (
    <AuthLayout>
      <nav className="tabs" aria-label="Вход или регистрация">
        <NavLink to={{ pathname: "/login", search }} replace>Вход</NavLink>
        <NavLink to={{ pathname: "/register", search }} replace>Регистрация</NavLink>
      </nav>
      <h1>{text.title}</h1>
      <p className="muted">{text.lead}</p>
      {mode === "register" && <SignupOffer referralCode={referralCode} />}
      <form onSubmit={submit} noValidate>
        {mode === "register" && (
          <TextField
            label="Имя"
            name="name"
            autoComplete="name"
            maxLength={80}
            value={form.name}
            onChange={change}
            error={errors.name}
          />
        )}
        <TextField
          label="Электронная почта"
          name="email"
          type="email"
          autoComplete="email"
          maxLength={254}
          value={form.email}
          onChange={change}
          error={errors.email}
        />
        <PasswordField
          name="password"
          autoComplete={mode === "login" ? "current-password" : "new-password"}
          value={form.password}
          onChange={change}
          error={errors.password}
          hint={mode === "register" ? PASSWORD_HINT : undefined}
        />
        {mode === "login" && (
          <Link
            className="form-link"
            to="/forgot-password"
            state={{ email: form.email.trim() }}
          >
            Забыли пароль?
          </Link>
        )}
        {signIn.isError && <ErrorMessage>{signIn.error.message}</ErrorMessage>}
        {unknownCode && (
          <button
            type="button"
            className="btn btn-ghost btn-block"
            disabled={signIn.isPending}
            onClick={registerWithoutCode}
          >
            Зарегистрироваться без кода
          </button>
        )}
        <button type="submit" className="btn btn-primary btn-block" disabled={signIn.isPending}>
          {signIn.isPending ? text.pending : text.submit}
        </button>
      </form>
    </AuthLayout>
  );
}
