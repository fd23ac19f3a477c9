import { CircleAlert, KeyRound } from "lucide-react";
import { useId } from "react";
import type { SecretEdit } from "./providerFields";

type Props = {
  label: string;
  /** The stored key's mask ("…abcd"), or null when none is stored. */
  mask: string | null;
  edit: SecretEdit;
  onChange: (edit: SecretEdit) => void;
  error?: string;
};

/** An API key, write-only: the stored one shows only as its mask; a new one can be typed in,
 * or the stored one removed. The value is never read back from the server. */
export function SecretField({ label, mask, edit, onChange, error }: Props) {
  const id = useId();
  const noteId = `${id}-note`;
  const typing = edit.mode === "replace" || (mask === null && edit.mode === "keep");
  return (
    <div className="field secret-field">
      <label htmlFor={id}>{label}</label>
      {typing ? (
        <div className="secret-row">
          <input
            id={id}
            type="password"
            autoComplete="off"
            spellCheck={false}
            placeholder={mask === null ? "Не задан" : "Новый ключ"}
            value={edit.mode === "replace" ? edit.value : ""}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? noteId : undefined}
            onChange={(event) => onChange({ mode: "replace", value: event.target.value })}
          />
          {mask !== null && (
            <button type="button" className="btn btn-ghost" onClick={() => onChange({ mode: "keep" })}>
              Отмена
            </button>
          )}
        </div>
      ) : (
        <div className="secret-row">
          <span
            id={id}
            className={edit.mode === "remove" ? "secret-mask secret-removed" : "secret-mask"}
            aria-describedby={error ? noteId : undefined}
          >
            <KeyRound size={16} aria-hidden="true" />
            {edit.mode === "remove" ? "Будет удалён при сохранении" : `Сохранён: ${mask}`}
          </span>
          {edit.mode === "remove" ? (
            <button type="button" className="btn btn-ghost" onClick={() => onChange({ mode: "keep" })}>
              Отмена
            </button>
          ) : (
            <>
              <button
                type="button"
                className="btn btn-ghost"
                aria-label={`Изменить: ${label}`}
                onClick={() => onChange({ mode: "replace", value: "" })}
              >
                изменить
              </button>
              <button
                type="button"
                className="btn btn-ghost"
                aria-label={`Удалить: ${label}`}
                onClick={() => onChange({ mode: "remove" })}
              >
                удалить
              </button>
            </>
          )}
        </div>
      )}
      {error && (
        <p id={noteId} className="field-note field-error">
          <CircleAlert size={16} aria-hidden="true" />
          {error}
        </p>
      )}
    </div>
  );
}
