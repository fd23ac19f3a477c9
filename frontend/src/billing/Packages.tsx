import { CircleCheck, Clock } from "lucide-react";
import { useState } from "react";
import type { Schemas } from "../api/client";
import { ErrorMessage } from "../components/ErrorMessage";
import { formatMinutes, formatRub } from "./format";
import { usePurchase, type Payment, type TestOutcome } from "./queries";

type Package = Schemas["PackagePublic"];

function PurchaseNotice({ payment, packages }: { payment: Payment; packages: Package[] }) {
  if (payment.status === "failed") {
    return (
      <ErrorMessage>
        Оплата не прошла, деньги не списаны. Попробуйте ещё раз или оплатите другой картой.
      </ErrorMessage>
    );
  }
  if (payment.status === "pending") {
    return (
      <p className="notice" role="status">
        <Clock size={20} aria-hidden="true" />
        Проверяем оплату. Минуты появятся на балансе, как только платёжная система её
        подтвердит.
      </p>
    );
  }
  const bought = packages.find((item) => item.id === payment.package_id);
  return (
    <p className="notice notice-success" role="status">
      <CircleCheck size={20} aria-hidden="true" />
      Оплата прошла: на баланс зачислено{" "}
      {bought ? formatMinutes(bought.minutes) : formatRub(payment.credit_kopecks)}.
    </p>
  );
}

function PackageCard({ item, onBuy, busy }: { item: Package; onBuy: () => void; busy: boolean }) {
  const titleId = `package-${item.id}`;
  return (
    <li>
      <article className="card package-card" aria-labelledby={titleId}>
        <div className="package-head">
          <h3 id={titleId}>{item.name}</h3>
          {item.discount_percent > 0 && (
            <span className="badge badge-discount">{`\u2212${item.discount_percent}\u00a0%`}</span>
          )}
        </div>
        <p className="package-minutes">{formatMinutes(item.minutes)}</p>
        <p className="package-price">{formatRub(item.price_kopecks)}</p>
        <p className="package-rate">
          {formatRub(Math.round(item.price_kopecks / item.minutes))} за минуту
        </p>
        <button type="button" className="btn btn-primary btn-block" disabled={busy} onClick={onBuy}>
          Купить
        </button>
      </article>
    </li>
  );
}

/** The packages on sale, the result of the last purchase, and (with the built-in test
 * provider) a way to try a declined card. */
export function Packages({ packages, testPayments }: { packages: Package[]; testPayments: boolean }) {
  const { purchase, returning } = usePurchase();
  const [outcome, setOutcome] = useState<TestOutcome>("succeeded");
  // Before any click: the payment the student has just confirmed on the provider's page.
  const latest = purchase.isIdle ? returning.data : purchase.data;
  const redirecting = Boolean(purchase.data?.confirmation_url && purchase.data.status === "pending");

  return (
    <>
      {purchase.isPending && <p className="notice" role="status">Оформляем покупку…</p>}
      {purchase.isError && <ErrorMessage>{purchase.error.message}</ErrorMessage>}
      {latest && (redirecting
        ? <p className="notice" role="status">Переходим на страницу оплаты…</p>
        : <PurchaseNotice payment={latest} packages={packages} />)}
      <ul className="package-grid">
        {packages.map((item) => (
          <PackageCard
            key={item.id}
            item={item}
            busy={purchase.isPending || redirecting}
            onBuy={() => purchase.mutate({ packageId: item.id, outcome })}
          />
        ))}
      </ul>
      {testPayments && (
        <>
          <p className="muted">Тестовая оплата: деньги не списываются.</p>
          <details className="dev-tools">
            <summary>Для разработчиков</summary>
            <label>
              <input
                type="checkbox"
                checked={outcome === "failed"}
                onChange={(event) => setOutcome(event.target.checked ? "failed" : "succeeded")}
              />
              Имитировать отказ банка (работает только с тестовой оплатой)
            </label>
          </details>
        </>
      )}
    </>
  );
}
