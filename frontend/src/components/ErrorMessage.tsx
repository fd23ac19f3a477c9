import { CircleAlert } from "lucide-react";
import type { ReactNode } from "react";

/** A problem to show the student: the server's message or our own, with a warning icon. */
export function ErrorMessage({ children }: { children: ReactNode }) {
  return (
    <p className="form-error" role="alert">
      <CircleAlert size={20} aria-hidden="true" />
      {children}
    </p>
  );
}
