import { Check, Copy, Gift } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import type { Schemas } from "../api/client";
import { formatCount, formatRub } from "./format";

type Referral = Schemas["ReferralPublic"];
type CopyState = "idle" | "copied" | "selected";

const COPY_FEEDBACK_MS = 2_500;

function ruleText({ bonus_referrer_kopecks: mine, bonus_referred_kopecks: theirs }: Referral) {
  const start = "Когда друг впервые оплатит пакет, ";
  return mine === theirs
    ? `${start}вы оба получите ${formatRub(mine)}.`
    : `${start}вы получите ${formatRub(mine)}, а друг — ${formatRub(theirs)}.`;
}

/** The student's invitation link, how it works, and what it has brought so far. */
export function ReferralCard({ referral }: { referral: Referral }) {
  const input = useRef<HTMLInputElement>(null);
  const [copy, setCopy] = useState<CopyState>("idle");

  useEffect(() => {
    if (copy === "idle") return;
    const timer = window.setTimeout(() => setCopy("idle"), COPY_FEEDBACK_MS);
    return () => window.clearTimeout(timer);
  }, [copy]);

  async function copyLink() {
    try {
      await navigator.clipboard.writeText(referral.link);
      setCopy("copied");
    } catch {
      // No clipboard (an insecure page, an old browser): select it for the student to copy.
      input.current?.select();
      setCopy("selected");
    }
  }

  return (
    <section className="card referral-card" aria-labelledby="referral-title">
      <span className="card-icon" aria-hidden="true"><Gift size={24} /></span>
      <h2 id="referral-title">Пригласите друга</h2>
      <p>{ruleText(referral)}</p>
      <div>
        <div className="copy-row">
        <div className="input-wrap">
          <input
            ref={input}
            readOnly
            value={referral.link}
            aria-label="Ваша ссылка-приглашение"
            onFocus={(event) => event.currentTarget.select()}
          />
        </div>
        <button type="button" className="btn btn-ghost" onClick={() => void copyLink()}>
          <Copy size={18} aria-hidden="true" /> Скопировать
        </button>
      </div>
        <p className={copy === "copied" ? "field-note copied" : "field-note"} role="status">
          {copy === "copied" && <><Check size={16} aria-hidden="true" /> Скопировано</>}
          {copy === "selected" && "Ссылка выделена — скопируйте её вручную."}
        </p>
      </div>
      <dl className="stats">
        <div>
          <dt>Пригласили</dt>
          <dd>{formatCount(referral.invited)}</dd>
        </div>
        <div>
          <dt>Оплатили пакет</dt>
          <dd>{formatCount(referral.rewarded)}</dd>
        </div>
        <div>
          <dt>Ваши бонусы</dt>
          <dd>{formatRub(referral.bonus_earned_kopecks)}</dd>
        </div>
      </dl>
    </section>
  );
}
