import type { LucideIcon } from "lucide-react";
import type { ReactNode } from "react";
import { usePageTitle } from "../usePageTitle";

type Props = {
  icon: LucideIcon;
  title: string;
  busy?: boolean;
  /** Inside the signed-in layout, which has the page's `main` already. */
  embedded?: boolean;
  children?: ReactNode;
};

/** A centred message: loading, a server problem, or a missing page. */
export function StatusScreen({ icon: Icon, title, busy = false, embedded = false, children }: Props) {
  usePageTitle(title);
  const Wrapper = embedded ? "div" : "main";
  return (
    <Wrapper className={embedded ? "status-screen is-embedded" : "status-screen"} aria-busy={busy}>
      <div className="status-card" role={busy ? "status" : undefined}>
        <span className={busy ? "status-icon spin" : "status-icon"} aria-hidden="true">
          <Icon size={32} />
        </span>
        <h1>{title}</h1>
        {children}
      </div>
    </Wrapper>
  );
}
