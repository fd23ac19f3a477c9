import { Save } from "lucide-react";
import { useState, type FormEvent } from "react";
import { ErrorMessage } from "../components/ErrorMessage";
import { categoryName } from "../tutor/categories";
import {
  LEVELS, SCOPE_LABELS, TRIGGERS, type Level, type RuleFields, type RuleScope,
} from "./rules";
import { StudentPicker } from "./StudentPicker";

const CYRILLIC = /[А-Яа-яЁё]/;

/** A rule's fields, to check and change before saving (a draft, or a saved admin rule). */
export function RuleForm({ initial, saving, error, submitLabel, onSubmit, onCancel }: {
  initial: RuleFields;
  saving: boolean;
  error: string | null;
  submitLabel: string;
  onSubmit: (fields: RuleFields) => void;
  onCancel: () => void;
}) {
  const [fields, setFields] = useState(initial);
  const set = (changes: Partial<RuleFields>) => setFields((current) => ({ ...current, ...changes }));
  const russian = CYRILLIC.test(fields.instruction);
  const missingStudent = fields.scope === "student" && !fields.student;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit(fields);
  };
  return (
    <form className="rule-form" onSubmit={submit} aria-label="Правило">
      <fieldset className="field">
        <legend>Для кого</legend>
        <div className="segmented" role="group">
          {(Object.keys(SCOPE_LABELS) as RuleScope[]).map((scope) => (
            <button
              key={scope}
              type="button"
              aria-pressed={fields.scope === scope}
              onClick={() => set({ scope })}
            >
              {SCOPE_LABELS[scope]}
            </button>
          ))}
        </div>
      </fieldset>
      {fields.scope === "level" && (
        <div className="field">
          <label htmlFor="rule-level">Уровень</label>
          <select
            id="rule-level"
            value={fields.level}
            onChange={(event) => set({ level: event.target.value as Level })}
          >
            {LEVELS.map((level) => <option key={level} value={level}>{level}</option>)}
          </select>
        </div>
      )}
      {fields.scope === "student" && (
        <div className="field">
          <label htmlFor="rule-student">Ученик</label>
          <StudentPicker
            id="rule-student"
            value={fields.student}
            onChange={(student) => set({ student })}
          />
        </div>
      )}
      <div className="field">
        <label htmlFor="rule-trigger">Когда действует</label>
        <select
          id="rule-trigger"
          value={fields.trigger}
          onChange={(event) => set({ trigger: event.target.value })}
        >
          {TRIGGERS.map((trigger) => (
            <option key={trigger} value={trigger}>
              {trigger === "always" ? "Всегда, на каждой реплике" : `Ошибки: ${categoryName(trigger)}`}
            </option>
          ))}
        </select>
        <p className="field-note">
          Правило по ошибкам попадает в подсказку, когда ученик часто их делает или ошибся в
          этой реплике.
        </p>
      </div>
      <div className="field">
        <label htmlFor="rule-instruction">Инструкция репетитору (по-английски)</label>
        <textarea
          id="rule-instruction"
          lang="en"
          rows={3}
          minLength={10}
          maxLength={500}
          required
          value={fields.instruction}
          onChange={(event) => set({ instruction: event.target.value })}
        />
        {russian && (
          <p className="field-error">Репетитор читает инструкции по-английски: переведите текст.</p>
        )}
      </div>
      <div className="rule-form-row">
        <div className="field">
          <label htmlFor="rule-priority">Приоритет (0–100)</label>
          <input
            id="rule-priority"
            type="number"
            min={0}
            max={100}
            required
            value={fields.priority}
            onChange={(event) => set({ priority: Number(event.target.value) })}
          />
        </div>
        <div className="field">
          <label htmlFor="rule-expires">Действует до (необязательно)</label>
          <input
            id="rule-expires"
            type="date"
            value={fields.expires}
            onChange={(event) => set({ expires: event.target.value })}
          />
        </div>
      </div>
      {error && <ErrorMessage>{error}</ErrorMessage>}
      <div className="action-row">
        <button
          type="submit"
          className="btn btn-primary"
          disabled={saving || russian || missingStudent}
        >
          <Save size={18} aria-hidden="true" /> {submitLabel}
        </button>
        <button type="button" className="btn btn-ghost" onClick={onCancel} disabled={saving}>
          Отмена
        </button>
      </div>
    </form>
  );
}
