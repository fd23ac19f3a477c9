import { BalanceCard } from "../billing/BalanceCard";
import { History } from "../billing/History";
import { Packages } from "../billing/Packages";
import { useBalance, usePackages, useReferral } from "../billing/queries";
import { ReferralCard } from "../billing/ReferralCard";
import { Loadable } from "../components/Loadable";
import { usePageTitle } from "../usePageTitle";

export function BillingPage() {
  usePageTitle("Баланс");
  const balance = useBalance();
  const packages = usePackages();
  const referral = useReferral();
  return (
    <>
      <div className="page-header">
        <h1>Баланс и оплата</h1>
      </div>
      <Loadable query={balance} loading="Загружаем баланс…">
        {(data) => <BalanceCard balance={data} />}
      </Loadable>
      <section className="section" aria-labelledby="packages-title">
        <h2 id="packages-title">Пополнить минуты</h2>
        <Loadable query={packages} loading="Загружаем пакеты…">
          {(data) => (
            <Packages packages={data} testPayments={balance.data?.test_payments ?? false} />
          )}
        </Loadable>
      </section>
      <Loadable query={referral} loading="Загружаем приглашения…">
        {(data) => <ReferralCard referral={data} />}
      </Loadable>
      <section className="section" aria-labelledby="history-title">
        <h2 id="history-title">История операций</h2>
        <History />
      </section>
    </>
  );
}
