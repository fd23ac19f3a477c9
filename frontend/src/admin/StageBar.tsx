import { STAGE_KEYS, STAGE_LABELS, formatMs, stagesOf } from "./stages";

type Props = {
  timings: Record<string, number>;
  /** The milliseconds the full width stands for: bars on one scale compare at a glance. */
  scaleMs?: number;
  label?: string;
};

/** One turn's stages as a stacked bar, with the whole at its end. */
export function StageBar({ timings, scaleMs, label = "До первого звука" }: Props) {
  const { stages, totalMs } = stagesOf(timings);
  if (totalMs <= 0) return null;
  const scale = Math.max(scaleMs ?? totalMs, totalMs);
  const summary = stages.map((stage) => `${stage.label} ${formatMs(stage.ms)}`).join(", ");
  return (
    <div className="stage-row">
      <div
        className="stage-bar"
        role="img"
        aria-label={`${label}: ${formatMs(totalMs)} (${summary})`}
        style={{ width: `${(totalMs / scale) * 100}%` }}
      >
        {stages.map((stage) => (
          <span
            key={stage.key}
            className={`stage stage-${stage.key}`}
            style={{ flexGrow: stage.ms }}
            title={`${stage.label}: ${formatMs(stage.ms)}`}
          />
        ))}
      </div>
      <span className="stage-total">{formatMs(totalMs)}</span>
    </div>
  );
}

/** What the colours of the bars mean (once per screen part). */
export function StageLegend() {
  return (
    <ul className="stage-legend" aria-label="Этапы">
      <li className="stage-legend-what">Полоса: от конца фразы ученика до первого звука ответа.</li>
      {STAGE_KEYS.map((key) => (
        <li key={key}>
          <span className={`stage-swatch stage-${key}`} aria-hidden="true" /> {STAGE_LABELS[key]}
        </li>
      ))}
    </ul>
  );
}
