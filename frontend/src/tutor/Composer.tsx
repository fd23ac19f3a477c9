import { SendHorizontal } from "lucide-react";
import { useId, useState, type FormEvent, type KeyboardEvent } from "react";

const MAX_CHARS = 1000;

type Props = {
  /** Resolves false when the message did not go: the text comes back into the box. */
  onSend: (text: string) => Promise<boolean> | boolean;
  busy: boolean;
};

/** The text box: Enter sends, Shift+Enter starts a new line. */
export function Composer({ onSend, busy }: Props) {
  const [draft, setDraft] = useState("");
  const id = useId();
  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    const text = draft.trim();
    if (!text || busy) return;
    setDraft("");
    if (!(await onSend(text))) setDraft((current) => current || text);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void submit();
    }
  };
  return (
    <form className="composer" onSubmit={(event) => void submit(event)}>
      <label htmlFor={id} className="visually-hidden">Сообщение репетитору по-английски</label>
      <textarea
        id={id}
        lang="en"
        rows={1}
        maxLength={MAX_CHARS}
        placeholder="Напишите по-английски…"
        value={draft}
        onChange={(event) => setDraft(event.target.value)}
        onKeyDown={onKeyDown}
      />
      <button type="submit" className="btn btn-primary composer-send" disabled={busy || !draft.trim()}>
        <SendHorizontal size={18} aria-hidden="true" />
        <span className="btn-label">Отправить</span>
      </button>
    </form>
  );
}
