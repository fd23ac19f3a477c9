import { CircleAlert } from "lucide-react";
import { useId, type InputHTMLAttributes, type ReactNode } from "react";

type Props = InputHTMLAttributes<HTMLInputElement> & {
  label: string;
  hint?: string;
  error?: string;
  /** A control shown inside the input's right edge (e.g. "show password"). */
  trailing?: ReactNode;
};

export function TextField({ label, hint, error, trailing, ...input }: Props) {
  const id = useId();
  const noteId = `${id}-note`;
  const note = error ?? hint;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className={trailing ? "input-wrap has-trailing" : "input-wrap"}>
        <input
          id={id}
          aria-invalid={error ? true : undefined}
          aria-describedby={note ? noteId : undefined}
          {...input}
        />
        {trailing}
      </div>
      {note && (
        <p id={noteId} className={error ? "field-note field-error" : "field-note"}>
          {error && <CircleAlert size={16} aria-hidden="true" />}
          {note}
        </p>
      )}
    </div>
  );
}
