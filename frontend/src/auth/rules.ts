// The server's rules for an email and a new password (NewCredentials): 8–128 characters.
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
export const PASSWORD_HINT = `От ${PASSWORD_MIN} до ${PASSWORD_MAX} символов.`;
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** What is wrong with a typed email address, in Russian; undefined when it looks right. */
export function emailError(email: string): string | undefined {
  const trimmed = email.trim();
  if (!trimmed) return "Введите адрес электронной почты.";
  if (!EMAIL_SHAPE.test(trimmed)) return "Проверьте адрес: например, anna@example.com.";
  return undefined;
}

/** What is wrong with a password; `isNew` checks the length a new password needs. */
export function passwordError(password: string, { isNew }: { isNew: boolean }): string | undefined {
  // Code points, as the server counts them (an emoji is one character, not two).
  const length = [...password].length;
  if (length === 0) return isNew ? "Придумайте пароль." : "Введите пароль.";
  if (isNew && length < PASSWORD_MIN) {
    return `Пароль слишком короткий: нужно не меньше ${PASSWORD_MIN} символов.`;
  }
  if (length > PASSWORD_MAX) return `Пароль слишком длинный: не больше ${PASSWORD_MAX} символов.`;
  return undefined;
}
