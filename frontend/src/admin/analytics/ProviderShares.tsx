import { formatCount } from "../../billing/format";
import { CAPABILITY_NAMES, formatPercent } from "./format";
import type { ProviderShares as Shares } from "./queries";

/** Which engine served the live turns, per capability: a share bar for each. */
export function ProviderShares({ shares }: { shares: Shares }) {
  const capabilities = ["stt", "llm", "tts"].map((capability) => {
    const rows = shares.providers.filter((p) => p.capability === capability);
    return { capability, rows, total: rows.reduce((sum, p) => sum + p.turns, 0) };
  });
  return (
    <section className="card chart-card provider-shares" aria-labelledby="provider-shares">
      <h2 id="provider-shares">Провайдеры по репликам</h2>
      {shares.providers.length === 0 ? (
        <p className="chart-empty">За этот период данных нет.</p>
      ) : (
        capabilities.filter((c) => c.total > 0).map(({ capability, rows, total }) => (
          <div key={capability} className="provider-group">
            <h3>{CAPABILITY_NAMES[capability]}</h3>
            <ul>
              {rows.map((row) => {
                const share = (100 * row.turns) / total;
                return (
                  <li key={row.name}>
                    <span className="provider-name" title={row.name}>{row.name}</span>
                    <span className="provider-figure">
                      {formatPercent(Math.round(share * 10) / 10)} · {formatCount(row.turns)}
                    </span>
                    <span className="provider-bar" aria-hidden="true">
                      <span style={{ width: `${share}%` }} />
                    </span>
                  </li>
                );
              })}
            </ul>
          </div>
        ))
      )}
    </section>
  );
}
