import { monthDays } from "../period";

type Props = {
  /** Prefix of the inputs' ids: two filters on one page keep theirs apart. */
  id: string;
  since: string;
  until: string;
  onChange: (period: { since: string; until: string }) => void;
};

const PRESETS = [
  { label: "Этот месяц", period: () => monthDays(0) },
  { label: "Прошлый месяц", period: () => monthDays(-1) },
  { label: "Всё время", period: () => ({ since: "", until: "" }) },
];

/** «С» and «По» (the last day included), and one-click months. */
export function PeriodFields({ id, since, until, onChange }: Props) {
  return (
    <>
      <div className="field field-date">
        <label htmlFor={`${id}-since`}>С</label>
        <input
          id={`${id}-since`}
          type="date"
          value={since}
          max={until || undefined}
          onChange={(event) => onChange({ since: event.target.value, until })}
        />
      </div>
      <div className="field field-date">
        <label htmlFor={`${id}-until`}>По</label>
        <input
          id={`${id}-until`}
          type="date"
          value={until}
          min={since || undefined}
          onChange={(event) => onChange({ since, until: event.target.value })}
        />
      </div>
      <div className="period-presets" role="group" aria-label="Быстрый выбор периода">
        {PRESETS.map(({ label, period }) => {
          const value = period();
          const current = value.since === since && value.until === until;
          return (
            <button
              key={label}
              type="button"
              className="btn btn-ghost btn-small"
              aria-pressed={current}
              onClick={() => onChange(value)}
            >
              {label}
            </button>
          );
        })}
      </div>
    </>
  );
}
