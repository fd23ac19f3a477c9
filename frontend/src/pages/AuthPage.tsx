import { Eye, EyeOff, Gift, Mic, Sparkles, TrendingUp } from "lucide-react";
import { useState, type ChangeEvent, type FormEvent } from "react";
import { Navigate, NavLink, useLocation, useSearchParams } from "react-router-dom";
import { ApiError, type Schemas } from "../api/client";
import { useMe, useSignIn, type AuthMode } from "../auth/useAuth";
import { Brand } from "../components/Brand";
import { ErrorMessage } from "../components/ErrorMessage";
import { TextField } from "../components/TextField";
import { usePageTitle } from "../usePageTitle";

type Form = Schemas["RegisterRequest"];
type Field = keyof Form;
type Errors = Partial<Record<Field, string>>;
type ModeText = { title: string; lead: string; submit: string; pending: string; fields: Field[] };

// The server's rules for a new password (RegisterRequest): 8–128 characters.
const PASSWORD_MIN = 8;
const PASSWORD_MAX = 128;
const PASSWORD_HINT = `От ${PASSWORD_MIN} до ${PASSWORD_MAX} символов.`;
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

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

const PERKS = [
  { icon: Mic, text: "Говорите вслух — репетитор слушает и отвечает голосом" },
  { icon: Sparkles, text: "Ошибки исправляются с короткими объяснениями на русском" },
  { icon: TrendingUp, text: "Уроки подстраиваются под ваши слабые места" },
];

function validate(mode: AuthMode, form: Form): Errors {
  const errors: Errors = {};
  if (mode === "register" && !form.name.trim()) {
    errors.name = "Введите имя — так репетитор будет к вам обращаться.";
  }
  const email = form.email.trim();
  if (!email) errors.email = "Введите адрес электронной почты.";
  else if (!EMAIL_SHAPE.test(email)) errors.email = "Проверьте адрес: например, anna@example.com.";
  // Code points, as the server counts them (an emoji is one character, not two).
  const passwordLength = [...form.password].length;
  if (passwordLength === 0) errors.password = "Введите пароль.";
  else if (mode === "register" && passwordLength < PASSWORD_MIN) {
    errors.password = `Пароль слишком короткий: нужно не меньше ${PASSWORD_MIN} символов.`;
  } else if (passwordLength > PASSWORD_MAX) {
    errors.password = `Пароль слишком длинный: не больше ${PASSWORD_MAX} символов.`;
  }
  return errors;
}

export function AuthPage({ mode }: { mode: AuthMode }) {
  const text = TEXT[mode];
  usePageTitle(mode === "login" ? "Вход" : "Регистрация");
  const me = useMe();
  const signIn = useSignIn(mode);
  const [form, setForm] = useState<Form>({ email: "", password: "", name: "" });
  const [errors, setErrors] = useState<Errors>({});
  const [showPassword, setShowPassword] = useState(false);
  const { search } = useLocation();
  const [searchParams, setSearchParams] = useSearchParams();
  // An invitation link: /register?ref=AB12CD34.
  const referralCode = mode === "register" ? searchParams.get("ref")?.trim() || null : null;
  const unknownCode = signIn.error instanceof ApiError
    && signIn.error.code === "unknown_referral_code";

  if (me.data) return <Navigate to="/student" replace />;
  const PasswordIcon = showPassword ? EyeOff : Eye;

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
    <div className="auth">
      <aside className="auth-aside">
        <Brand />
        <p className="auth-tagline">Разговорный английский с голосовым репетитором</p>
        <ul className="perks">
          {PERKS.map(({ icon: Icon, text: perk }) => (
            <li key={perk}>
              <span className="perk-icon" aria-hidden="true"><Icon size={20} /></span>
              {perk}
            </li>
          ))}
        </ul>
      </aside>
      <main className="auth-main">
        <div className="auth-card">
          <nav className="tabs" aria-label="Вход или регистрация">
            <NavLink to={{ pathname: "/login", search }} replace>Вход</NavLink>
            <NavLink to={{ pathname: "/register", search }} replace>Регистрация</NavLink>
          </nav>
          <h1>{text.title}</h1>
          <p className="muted">{text.lead}</p>
          {referralCode && (
            <p className="invite-note">
              <Gift size={20} aria-hidden="true" />
              Вас пригласил друг — после первой оплаты вы оба получите бонус
            </p>
          )}
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
            <TextField
              label="Пароль"
              name="password"
              type={showPassword ? "text" : "password"}
              autoComplete={mode === "login" ? "current-password" : "new-password"}
              value={form.password}
              onChange={change}
              error={errors.password}
              hint={mode === "register" ? PASSWORD_HINT : undefined}
              trailing={
                <button
                  type="button"
                  className="icon-button"
                  aria-label={showPassword ? "Скрыть пароль" : "Показать пароль"}
                  aria-pressed={showPassword}
                  onClick={() => setShowPassword((shown) => !shown)}
                >
                  <PasswordIcon size={20} aria-hidden="true" />
                </button>
              }
            />
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
        </div>
      </main>
    </div>
  );
}
