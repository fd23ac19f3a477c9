import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Coins } from "lucide-react";
import { useState, type FormEvent } from "react";
import { api, unwrap, type Schemas } from "../api/client";
import { KIND_LABELS } from "../billing/History";
import { formatMinutes, formatRub, formatSignedRub } from "../billing/format";
import { ErrorMessage } from "../components/ErrorMessage";
import { Loadable } from "../components/Loadable";
import { Pager } from "../components/Pager";
import { formatWhen } from "./labels";
import { ADMIN_KEY } from "./queries";

const LEDGER_PAGE = 10;

type Props = { userId: number; wallet: Schemas["WalletPublic"] };

/** The balance, an adjustment with its reason (billing's ledger), and the ledger itself. */
export function UserWallet({ userId, wallet }: Props) {
  const queryClient = useQueryClient();
  const [offset, setOffset] = useState(0);
  const [rub, setRub] = useState("");
  const [reason, setReason] = useState("");
  // One key per adjustment the admin means: a retried click cannot move money twice.
  const [key, setKey] = useState(() => crypto.randomUUID());
  const ledger = useQuery({
    queryKey: [...ADMIN_KEY, "ledger", userId, offset],
    queryFn: () => unwrap(api.GET("/api/admin/billing/transactions", {
      params: { query: { user_id: userId, limit: LEDGER_PAGE, offset } },
    })),
    placeholderData: keepPreviousData,
  });
  const kopecks = Math.round(Number(rub.replace(",", ".")) * 100);
  const adjust = useMutation({
    mutationFn: () => unwrap(api.POST("/api/admin/billing/adjustments", {
      params: { header: { "Idempotency-Key": key } },
      body: { user_id: userId, amount_kopecks: kopecks, reason: reason.trim() },
    })),
    onSuccess: () => {
      setRub("");
      setReason("");
      setKey(crypto.randomUUID());
      setOffset(0);
      void queryClient.invalidateQueries({ queryKey: ADMIN_KEY });
    },
  });
  const valid = Number.isFinite(kopecks) && kopecks !== 0 && reason.trim().length >= 3;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (valid) adjust.mutate();
  };
  return (
    <section className="card" aria-labelledby="wallet-title">
      <div className="section-head">
        <h2 id="wallet-title">Кошелёк</h2>
        <p>
          <strong>{formatRub(wallet.balance_kopecks)}</strong> · {formatMinutes(wallet.minutes_left)}
        </p>
      </div>
      <form className="action-form" onSubmit={submit}>
        <div className="action-row">
          <div className="field">
            <label htmlFor="adjust-amount">Сумма, ₽ (минус списывает)</label>
            <input
              id="adjust-amount"
              inputMode="decimal"
              value={rub}
              placeholder="100 или -50"
              onChange={(event) => setRub(event.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="adjust-reason">Причина</label>
            <input
              id="adjust-reason"
              value={reason}
              maxLength={255}
              placeholder="Компенсация за сбой"
              onChange={(event) => setReason(event.target.value)}
            />
          </div>
        </div>
        <button type="submit" className="btn btn-primary" disabled={!valid || adjust.isPending}>
          <Coins size={18} aria-hidden="true" /> Изменить баланс
        </button>
        {adjust.isError && <ErrorMessage>{adjust.error.message}</ErrorMessage>}
      </form>
      <Loadable query={ledger} loading="Загружаем операции…">
        {({ items, total }) => total === 0 ? <p>Операций нет.</p> : (
          <>
            <ul className="plain-list" aria-label="Операции по кошельку">
              {items.map((entry) => (
                <li key={entry.id}>
                  <div className="section-head">
                    <span>{KIND_LABELS[entry.kind]}</span>
                    <strong className={entry.amount_kopecks < 0 ? "amount amount-minus" : "amount amount-plus"}>
                      {formatSignedRub(entry.amount_kopecks)}
                    </strong>
                  </div>
                  <span className="meta">
                    {formatWhen(entry.created_at)} · остаток {formatRub(entry.balance_after_kopecks)}
                    {entry.description ? ` · ${entry.description}` : ""}
                  </span>
                </li>
              ))}
            </ul>
            <Pager offset={offset} pageSize={LEDGER_PAGE} total={total} onChange={setOffset} />
          </>
        )}
      </Loadable>
    </section>
  );
}
