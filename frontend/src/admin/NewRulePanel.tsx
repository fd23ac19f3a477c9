import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Mic, Sparkles, Square } from "lucide-react";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { api, unwrap } from "../api/client";
import { microphoneProblem } from "../audio/microphone";
import { recordSpeech, type Recording } from "../audio/recorder";
import { ErrorMessage } from "../components/ErrorMessage";
import { RuleForm } from "./RuleForm";
import {
  RULES_KEY, bodyOf, draftFromSpeech, draftFromText, fieldsOf, type RuleDraft, type RuleFields,
} from "./rules";

const EXAMPLE = "Когда ученик путает Present Perfect и Past Simple, спроси про время действия";

/** «Новое правило»: the admin types or says a teaching instruction, the model drafts a rule,
 * the admin checks the form and saves it. */
export function NewRulePanel({ onClose, onSaved }: {
  onClose: () => void;
  onSaved: (message: string) => void;
}) {
  const queryClient = useQueryClient();
  const [text, setText] = useState("");
  const [recording, setRecording] = useState<Recording | null>(null);
  const [micError, setMicError] = useState<string | null>(null);
  const [draft, setDraft] = useState<{ value: RuleDraft; serial: number } | null>(null);
  const serial = useRef(0);
  const live = useRef<Recording | null>(null);
  useEffect(() => () => { void live.current?.stop(); }, []);

  const drafting = useMutation({
    mutationFn: (source: string | Blob) =>
      typeof source === "string" ? draftFromText(source) : draftFromSpeech(source),
    onMutate: () => setDraft(null),
    onSuccess: (value) => {
      serial.current += 1;
      setDraft({ value, serial: serial.current });
    },
  });
  const saving = useMutation({
    mutationFn: (fields: RuleFields) =>
      unwrap(api.POST("/api/admin/rules", { body: { ...bodyOf(fields), enabled: true } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: RULES_KEY });
      onSaved("Правило сохранено: репетитор учтёт его со следующей реплики учеников.");
    },
  });

  const listen = async () => {
    setMicError(null);
    try {
      const started = await recordSpeech();
      live.current = started;
      setRecording(started);
      const wav = await started.ended;
      live.current = null;
      setRecording(null);
      drafting.mutate(wav);
    } catch (error) {
      setMicError(microphoneProblem(error));
    }
  };
  const submitText = (event: FormEvent) => {
    event.preventDefault();
    if (text.trim().length >= 3) drafting.mutate(text.trim());
  };
  const busy = drafting.isPending || recording !== null;

  return (
    <section className="card new-rule" aria-labelledby="new-rule-title">
      <div className="section-head">
        <h2 id="new-rule-title">Новое правило</h2>
        <button type="button" className="btn btn-ghost" onClick={onClose}>Закрыть</button>
      </div>
      <form className="action-form" onSubmit={submitText}>
        <label htmlFor="rule-text">Что должен делать репетитор — по-русски или по-английски</label>
        <textarea
          id="rule-text"
          rows={3}
          maxLength={1000}
          placeholder={`Например: «${EXAMPLE}»`}
          value={text}
          onChange={(event) => setText(event.target.value)}
        />
        <div className="action-row">
          <button
            type="submit"
            className="btn btn-primary"
            disabled={busy || text.trim().length < 3}
          >
            <Sparkles size={18} aria-hidden="true" /> Составить черновик
          </button>
          {recording ? (
            <button type="button" className="btn btn-danger" onClick={() => void recording.stop()}>
              <Square size={18} aria-hidden="true" /> Остановить запись
            </button>
          ) : (
            <button
              type="button"
              className="btn btn-ghost"
              disabled={busy}
              onClick={() => void listen()}
            >
              <Mic size={18} aria-hidden="true" /> Надиктовать
            </button>
          )}
        </div>
        {recording && (
          <p className="notice" role="status">
            Говорите: запись остановится сама, когда вы замолчите.
          </p>
        )}
        {drafting.isPending && (
          <p className="notice" role="status">Модель составляет черновик…</p>
        )}
      </form>
      {micError && <ErrorMessage>{micError}</ErrorMessage>}
      {drafting.isError && <ErrorMessage>{drafting.error.message}</ErrorMessage>}
      {draft && (
        <div className="draft">
          <p className="heard">
            <span className="muted">Понято из слов:</span> «{draft.value.heard}»
          </p>
          {draft.value.notes.map((note) => (
            <p key={note} className="notice notice-warning">{note}</p>
          ))}
          <p className="muted">Проверьте черновик: сохраняется только то, что вы подтвердите.</p>
          <RuleForm
            key={draft.serial}
            initial={fieldsOf(draft.value)}
            saving={saving.isPending}
            error={saving.isError ? saving.error.message : null}
            submitLabel="Сохранить правило"
            onSubmit={(fields) => saving.mutate(fields)}
            onCancel={() => setDraft(null)}
          />
        </div>
      )}
    </section>
  );
}
