import { useSearchParams } from "react-router-dom";
import { Loadable } from "../components/Loadable";
import { usePageTitle } from "../usePageTitle";
import { OperationsSection } from "./billing/OperationsSection";
import { PackagesSection } from "./billing/PackagesSection";
import { ReferralsSection } from "./billing/ReferralsSection";
import { RulesSection } from "./billing/RulesSection";
import { useBillingRules } from "./billing/queries";
import "./billing/billing.css";

const TABS = [
  { id: "packages", label: "Пакеты" },
  { id: "operations", label: "Операции" },
  { id: "rules", label: "Правила" },
  { id: "referrals", label: "Рефералы" },
] as const;
type Tab = (typeof TABS)[number]["id"];

/** Биллинг: packages, every operation (with CSV and refunds), the rules, the referrals. The
 * tab is in the address (`?tab=operations`), so a link or a reload opens the same one. */
export function BillingScreen() {
  usePageTitle("Биллинг");
  const [params, setParams] = useSearchParams();
  const tab: Tab = TABS.find(({ id }) => id === params.get("tab"))?.id ?? "packages";
  const rules = useBillingRules();
  return (
    <>
      <div className="page-header">
        <h1>Биллинг</h1>
      </div>
      <div className="billing-tabs" role="tablist" aria-label="Разделы биллинга">
        {TABS.map(({ id, label }) => (
          <button
            key={id}
            type="button"
            role="tab"
            id={`billing-tab-${id}`}
            aria-selected={tab === id}
            aria-controls={`billing-panel-${id}`}
            onClick={() => setParams(id === "packages" ? {} : { tab: id })}
          >
            {label}
          </button>
        ))}
      </div>
      <div
        className="billing-panel"
        role="tabpanel"
        id={`billing-panel-${tab}`}
        aria-labelledby={`billing-tab-${tab}`}
      >
        {tab === "operations" && <OperationsSection />}
        {tab === "referrals" && <ReferralsSection />}
        {(tab === "packages" || tab === "rules") && (
          <Loadable query={rules} loading="Загружаем правила…">
            {(data) => tab === "rules"
              ? <RulesSection rules={data} />
              : <PackagesSection pricePerMinuteKopecks={data.price_per_minute_kopecks} />}
          </Loadable>
        )}
      </div>
    </>
  );
}
