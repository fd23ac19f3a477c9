import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Pencil, Plus, Power, PowerOff, Trash2 } from "lucide-react";
import { useState } from "react";
import { api, unwrap } from "../api/client";
import { ErrorMessage } from "../components/ErrorMessage";
import { Loadable } from "../components/Loadable";
import { Pager } from "../components/Pager";
import { usePageTitle } from "../usePageTitle";
import { formatWhen } from "./labels";
import { NewRulePanel } from "./NewRulePanel";
import { RuleForm } from "./RuleForm";
import {
  RULES_KEY, RULES_PAGE, SCOPE_LABELS, SOURCE_LABELS, bodyOf, fieldsOf, triggerName, useRules,
  whom, type Rule, type RuleFields, type RuleFilters,
} from "./rules";
import { StudentPicker } from "./StudentPicker";

const NO_FILTERS: RuleFilters = { scope: "", source: "", status: "", studentId: null, offset: 0 };

/** «Правила»: every tutor rule in force, the brain's and the admins', and new ones. */
export function RulesScreen() {
  usePageTitle("Правила");
  const [filters, setFilters] = useState(NO_FILTERS);
  const [student, setStudent] = useState<{ id: number; label: string } | null>(null);
  const [creating, setCreating] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const set = (changes: Partial<RuleFilters>) =>
    setFilters((current) => ({ ...current, offset: 0, ...changes }));
  const rules = useRules(filters);
  return (
    <>
      <div className="page-header">
        <h1>Правила репетитора</h1>
        {!creating && (
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => { setCreating(true); setDone(null); }}
          >
            <Plus size={18} aria-hidden="true" /> Новое правило
          </button>
        )}
      </div>
      {creating && (
        <NewRulePanel
          onClose={() => setCreating(false)}
          onSaved={(message) => { setCreating(false); setDone(message); }}
        />
      )}
      {done && <p className="notice notice-success" role="status">{done}</p>}
      <form className="card filters" onSubmit={(event) => event.preventDefault()}>
        <div className="field">
          <label htmlFor="rules-scope">Для кого</label>
          <select
            id="rules-scope"
            value={filters.scope}
            onChange={(event) => set({ scope: event.target.value as RuleFilters["scope"] })}
          >
            <option value="">Любые</option>
            {Object.entries(SCOPE_LABELS).map(([scope, label]) => (
              <option key={scope} value={scope}>{label}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="rules-source">Откуда</label>
          <select
            id="rules-source"
            value={filters.source}
            onChange={(event) => set({ source: event.target.value as RuleFilters["source"] })}
          >
            <option value="">Все</option>
            {Object.entries(SOURCE_LABELS).map(([source, label]) => (
              <option key={source} value={source}>{label}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="rules-status">Состояние</label>
          <select
            id="rules-status"
            value={filters.status}
            onChange={(event) => set({ status: event.target.value as RuleFilters["status"] })}
          >
            <option value="">Все</option>
            <option value="enabled">Включённые</option>
            <option value="disabled">Выключенные</option>
          </select>
        </div>
        <div className="field field-wide">
          <label htmlFor="rules-student">Что действует для ученика</label>
          <StudentPicker
            id="rules-student"
            value={student}
            onChange={(picked) => { setStudent(picked); set({ studentId: picked?.id ?? null }); }}
          />
        </div>
      </form>
      <Loadable query={rules} loading="Загружаем правила…">
        {({ items, total }) => items.length === 0 ? (
          <p className="card muted">Правил нет: измените фильтры или создайте новое.</p>
        ) : (
          <section className="card" aria-label={`Правила: ${total}`}>
            <p className="muted">Правил в силе: {total}. Сначала — с высшим приоритетом.</p>
            <ul className="plain-list rule-list">
              {items.map((rule) => <RuleItem key={rule.id} rule={rule} onDone={setDone} />)}
            </ul>
            <Pager
              offset={filters.offset}
              pageSize={RULES_PAGE}
              total={total}
              onChange={(offset) => setFilters((current) => ({ ...current, offset }))}
            />
          </section>
        )}
      </Loadable>
    </>
  );
}

type Action = "enable" | "disable" | "delete" | { edit: RuleFields };

function RuleItem({ rule, onDone }: { rule: Rule; onDone: (message: string) => void }) {
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const path = { params: { path: { rule_id: rule.id } } };
  const act = useMutation({
    mutationFn: async (action: Action): Promise<string> => {
      if (action === "enable" || action === "disable") {
        await unwrap(api.POST(`/api/admin/rules/{rule_id}/${action}`, path));
        return action === "enable" ? "Правило включено." : "Правило выключено.";
      }
      if (action === "delete") {
        await unwrap(api.DELETE("/api/admin/rules/{rule_id}", path));
        return "Правило удалено.";
      }
      await unwrap(api.PATCH("/api/admin/rules/{rule_id}", { ...path, body: bodyOf(action.edit) }));
      return "Правило изменено.";
    },
    onSuccess: (message) => {
      setEditing(false);
      setConfirming(false);
      onDone(message);
      void queryClient.invalidateQueries({ queryKey: RULES_KEY });
    },
  });
  const label = rule.instruction.slice(0, 40);
  return (
    <li className={rule.enabled ? "rule" : "rule rule-off"}>
      <div className="rule-tags">
        <span className="chip">{whom(rule)}</span>
        <span className="chip">{triggerName(rule.trigger)}</span>
        <span className="chip">приоритет {rule.priority}</span>
        {!rule.enabled && <span className="status status-blocked">Выключено</span>}
      </div>
      {editing ? (
        <RuleForm
          initial={fieldsOf(rule)}
          saving={act.isPending}
          error={act.isError ? act.error.message : null}
          submitLabel="Сохранить изменения"
          onSubmit={(fields) => act.mutate({ edit: fields })}
          onCancel={() => setEditing(false)}
        />
      ) : (
        <p lang="en" className="rule-text">{rule.instruction}</p>
      )}
      <p className="meta">
        {SOURCE_LABELS[rule.source]}
        {rule.created_by ? ` · ${rule.created_by}` : ""}
        {rule.source === "brain" ? ` · ошибок недавно: ${rule.evidence_count}` : ""}
        {` · с ${formatWhen(rule.created_at)}`}
        {rule.expires_at ? ` · до ${formatWhen(rule.expires_at)}` : " · бессрочно"}
      </p>
      {!editing && (
        <div className="action-row rule-actions">
          <button
            type="button"
            className="btn btn-ghost"
            disabled={act.isPending}
            aria-label={`${rule.enabled ? "Выключить" : "Включить"}: ${label}`}
            onClick={() => act.mutate(rule.enabled ? "disable" : "enable")}
          >
            {rule.enabled
              ? <><PowerOff size={18} aria-hidden="true" /> Выключить</>
              : <><Power size={18} aria-hidden="true" /> Включить</>}
          </button>
          {rule.source === "admin" && (
            <button
              type="button"
              className="btn btn-ghost"
              aria-label={`Изменить: ${label}`}
              onClick={() => setEditing(true)}
            >
              <Pencil size={18} aria-hidden="true" /> Изменить
            </button>
          )}
          {confirming ? (
            <>
              <button
                type="button"
                className="btn btn-danger"
                disabled={act.isPending}
                onClick={() => act.mutate("delete")}
              >
                <Trash2 size={18} aria-hidden="true" /> Да, удалить
              </button>
              <button type="button" className="btn btn-ghost" onClick={() => setConfirming(false)}>
                Не удалять
              </button>
            </>
          ) : (
            <button
              type="button"
              className="btn btn-ghost"
              aria-label={`Удалить: ${label}`}
              onClick={() => setConfirming(true)}
            >
              <Trash2 size={18} aria-hidden="true" /> Удалить
            </button>
          )}
        </div>
      )}
      {act.isError && !editing && <ErrorMessage>{act.error.message}</ErrorMessage>}
    </li>
  );
}
