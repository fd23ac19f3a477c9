import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef, useState, type FormEvent } from "react";
import { api, unwrap } from "../../api/client";
import { formatRub } from "../../billing/format";
import { Dialog } from "../../components/Dialog";
import { ErrorMessage } from "../../components/ErrorMessage";
import { formatWhen } from "../labels";
import { ADMIN_KEY } from "../queries";
import type { TransactionRow } from "./queries";

type Props = { purchase: TransactionRow; onDone: (message: string) => void; onCancel: () => void };

/** «Вернуть платёж?»: the reason (for the ledger and the journal), then the refund. */
export function RefundDialog({ purchase, onDone, onCancel }: Props) {
  const queryClient = useQueryClient();
  const reasonField = useRef<HTMLInputElement>(null);
  const [reason, setReason] = useState("");
  const [tried, setTried] = useState(false);
  const refund = useMutation({
    mutationFn: () => unwrap(api.POST("/api/admin/billing/payments/{payment_id}/refund", {
      params: { path: { payment_id: purchase.payment_id ?? 0 } },
      body: { reason: reason.trim() },
    })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ADMIN_KEY });
      onDone(`Платёж возвращён: деньги уйдут на карту ученика (${purchase.user_name}), `
        + `зачисленные ${formatRub(purchase.amount_kopecks)} списаны с баланса.`);
    },
  });
  const short = reason.trim().length < 3;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (!short) refund.mutate();
  };
  return (
    <Dialog
      titleId="refund-title"
      textId="refund-text"
      role="alertdialog"
      initialFocus={reasonField}
      onCancel={onCancel}
    >
      <form className="action-form" onSubmit={submit} noValidate>
        <h2 id="refund-title">Вернуть платёж?</h2>
        <p id="refund-text">
          {purchase.user_name} ({purchase.user_email}), {formatWhen(purchase.created_at)}:
          {" "}{purchase.description || "покупка пакета"}. Деньги вернутся на карту, с баланса
          спишутся зачисленные {formatRub(purchase.amount_kopecks)} (сколько из них осталось), а
          бонусы за приглашение по этому платежу отменятся. Отменить возврат нельзя.
        </p>
        <div className="field">
          <label htmlFor="refund-reason">Причина (для журнала)</label>
          <input
            ref={reasonField}
            id="refund-reason"
            value={reason}
            maxLength={200}
            placeholder="Например, двойная оплата"
            aria-invalid={tried && short ? true : undefined}
            aria-describedby={tried && short ? "refund-reason-error" : undefined}
            onChange={(event) => setReason(event.target.value)}
          />
          {tried && short && (
            <span id="refund-reason-error" className="field-error">
              Напишите причину: хотя бы 3 символа.
            </span>
          )}
        </div>
        {refund.isError && <ErrorMessage>{refund.error.message}</ErrorMessage>}
        <div className="dialog-actions">
          <button type="button" className="btn btn-ghost" onClick={onCancel}>Не возвращать</button>
          <button type="submit" className="btn btn-danger" disabled={refund.isPending}>
            {refund.isPending ? "Возвращаем…" : "Вернуть платёж"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
