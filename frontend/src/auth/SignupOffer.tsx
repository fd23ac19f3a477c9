import { useQuery } from "@tanstack/react-query";
import { CircleAlert, Gift, Timer } from "lucide-react";
import { api, unwrap, type Schemas } from "../api/client";
import { formatMinutes, formatRub } from "../billing/format";

type Invitation = Schemas["Invitation"];

/** What registering gives, as the server's billing rules say: the free minutes, and the
 * bonuses of the friend's invitation the link carries. Nothing while it loads or fails. */
export function SignupOffer({ referralCode }: { referralCode: string | null }) {
  const offer = useQuery({
    queryKey: ["auth", "signup-offer", referralCode],
    queryFn: () => unwrap(api.GET("/api/auth/register/offer", {
      params: { query: referralCode ? { ref: referralCode } : {} },
    })),
    staleTime: 5 * 60_000,
  });
  if (!offer.data) return null;
  const { trial_minutes: minutes, invitation } = offer.data;
  return (
    <div className="signup-offer">
      {minutes > 0 && (
        <p className="offer-note">
          <Timer size={20} aria-hidden="true" />
          <span>
            <strong>{formatMinutes(minutes)} разговора бесплатно</strong> — сразу после
            регистрации, без привязки карты
          </span>
        </p>
      )}
      {invitation && <InvitationNote invitation={invitation} />}
    </div>
  );
}

function InvitationNote({ invitation }: { invitation: Invitation }) {
  if (!invitation.known) {
    return (
      <p className="notice-warning">
        <CircleAlert size={20} aria-hidden="true" />
        <span>
          Код приглашения «{invitation.code}» не найден. Проверьте ссылку от друга или
          зарегистрируйтесь без кода.
        </span>
      </p>
    );
  }
  const yours = invitation.bonus_kopecks;
  const theirs = invitation.inviter_bonus_kopecks;
  let bonus = "";
  if (yours > 0 && yours === theirs) {
    bonus = ` — после первой оплаты вы оба получите по ${formatRub(yours)} на счёт`;
  } else if (yours > 0) {
    bonus = ` — после первой оплаты вы получите ${formatRub(yours)} на счёт`;
  }
  return (
    <p className="invite-note">
      <Gift size={20} aria-hidden="true" />
      <span>Вас пригласил друг{bonus}</span>
    </p>
  );
}
