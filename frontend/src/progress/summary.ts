/** A lesson summary as the brain writes it (a free-form JSON object), read defensively. */
type GrammarNote = {
  category: string;
  count: number;
  note: string;
  examples: { original: string; correction: string }[];
};

export type ReadSummary = {
  studentTurns: number;
  errors: number;
  grammarNotes: GrammarNote[];
};

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const count = (value: unknown): number => (typeof value === "number" ? value : 0);

/** "Согласование: в Present Simple…" under the heading "Согласование": the text without its label. */
function withoutLabel(note: string): string {
  const text = note.replace(/^[^:.!?]{1,30}:\s+/, "");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function notes(value: unknown): GrammarNote[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isObject).map((note) => ({
    category: String(note.category ?? ""),
    count: count(note.count),
    note: typeof note.note === "string" ? withoutLabel(note.note) : "",
    examples: (Array.isArray(note.examples) ? note.examples : []).filter(isObject).map((e) => ({
      original: String(e.original ?? ""),
      correction: String(e.correction ?? ""),
    })),
  }));
}

export function readSummary(summary: Json | null | undefined): ReadSummary {
  const source = summary ?? {};
  return {
    studentTurns: count(source.student_turns),
    errors: count(source.errors),
    grammarNotes: notes(source.grammar_notes),
  };
}
