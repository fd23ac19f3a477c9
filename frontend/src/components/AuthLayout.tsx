import { Mic, Sparkles, TrendingUp } from "lucide-react";
import type { ReactNode } from "react";
import { Brand } from "./Brand";

const PERKS = [
  { icon: Mic, text: "Говорите вслух — репетитор слушает и отвечает голосом" },
  { icon: Sparkles, text: "Ошибки исправляются с короткими объяснениями на русском" },
  { icon: TrendingUp, text: "Уроки подстраиваются под ваши слабые места" },
];

/** The signed-out pages (sign in, register, password reset): the brand beside one card. */
export function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <div className="auth">
      <aside className="auth-aside">
        <Brand />
        <p className="auth-tagline">Разговорный английский с голосовым репетитором</p>
        <ul className="perks">
          {PERKS.map(({ icon: Icon, text }) => (
            <li key={text}>
              <span className="perk-icon" aria-hidden="true"><Icon size={20} /></span>
              {text}
            </li>
          ))}
        </ul>
      </aside>
      <main className="auth-main">
        <div className="auth-card">{children}</div>
      </main>
    </div>
  );
}
