import type { LucideIcon } from "lucide-react";
import type { ReactNode } from "react";
import { usePageTitle } from "../usePageTitle";

type Props = { icon: LucideIcon; title: string; busy?: boolean; children?: ReactNode };

/** A centred full-page message: loading, a server problem, or a missing page. */
export function StatusScreen({ icon: Icon, title, busy = false, children }: Props) {
  usePageTitle(title);
  return (
    <main className="status-screen" aria-busy={busy}>
      <div className="status-card" role={busy ? "status" : undefined}>
        <span className={busy ? "status-icon spin" : "status-icon"} aria-hidden="true">
          <Icon size={32} />
        </span>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}
