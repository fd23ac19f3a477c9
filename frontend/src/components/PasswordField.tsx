import { Eye, EyeOff } from "lucide-react";
import { useState, type InputHTMLAttributes } from "react";
import { TextField } from "./TextField";

type Props = InputHTMLAttributes<HTMLInputElement> & {
  label?: string;
  hint?: string;
  error?: string;
};

/** A password input with a "show password" toggle. */
export function PasswordField({ label = "Пароль", ...input }: Props) {
  const [shown, setShown] = useState(false);
  const Icon = shown ? EyeOff : Eye;
  return (
    <TextField
      label={label}
      {...input}
      type={shown ? "text" : "password"}
      trailing={
        <button
          type="button"
          className="icon-button"
          aria-label={shown ? "Скрыть пароль" : "Показать пароль"}
          aria-pressed={shown}
          onClick={() => setShown((current) => !current)}
        >
          <Icon size={20} aria-hidden="true" />
        </button>
      }
    />
  );
}
