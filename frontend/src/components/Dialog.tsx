import { useEffect, type ReactNode, type RefObject } from "react";

type Props = {
  /** The id of the dialog's heading (its name) and of the text that explains it. */
  titleId: string;
  textId?: string;
  /** "alertdialog" when it asks to confirm something that cannot be undone. */
  role?: "dialog" | "alertdialog";
  /** What gets the focus when it opens: the safe answer, or the first field. */
  initialFocus: RefObject<HTMLElement | null>;
  onCancel: () => void;
  children: ReactNode;
};

/** A modal over the page: Escape or a click beside it cancels; the focus goes back to where
 * it was when it closes. */
export function Dialog({ titleId, textId, role = "dialog", initialFocus, onCancel, children }: Props) {
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    initialFocus.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") onCancel();
    };
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("keydown", onKey);
      opener?.focus?.();
    };
  }, [onCancel, initialFocus]);

  return (
    <div className="dialog-backdrop" onClick={(event) => {
      if (event.target === event.currentTarget) onCancel();
    }}>
      <div
        className="dialog card"
        role={role}
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={textId}
      >
        {children}
      </div>
    </div>
  );
}
