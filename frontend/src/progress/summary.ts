/** A lesson summary as the brain writes it (a free-form JSON object), read defensively. */
type GrammarNote = {
  category: string;
  count: number;
  note: string;
  examples: { original: string; correction: string }[];
};

export type ReadSummary = {
  newWords: string[];
  grammarNotes: GrammarNote[];
};

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function words(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.map((item) => (isObject(item) ? item.word : item))
    .filter((item): item is string => typeof item === "string" && item !== "");
}

/** "Согласование: в Present Simple…" under the heading "Согласование": the text without its label. */
function withoutLabel(note: string): string {
  const text = note.replace(/^[^:.!?]{1,30}:\s+/, "");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function notes(value: unknown): GrammarNote[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isObject).map((note) => ({
    category: String(note.category ?? ""),
    count: typeof note.count === "number" ? note.count : 0,
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
    newWords: words(source.new_words),
    grammarNotes: notes(source.grammar_notes),
  };
}
