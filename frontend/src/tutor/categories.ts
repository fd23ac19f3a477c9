/** Russian names of the grammar engine's error categories. */
const CATEGORY_NAMES: Record<string, string> = {
  articles: "Артикли",
  tense: "Времена",
  verb_form: "Формы глагола",
  agreement: "Согласование",
  prepositions: "Предлоги",
  word_order: "Порядок слов",
  plural: "Число существительных",
  pronouns: "Местоимения",
  calque: "Кальки с русского",
  spelling: "Орфография",
  word_choice: "Выбор слова",
};

/** "Артикли" for "articles"; an unknown category keeps its own name rather than vanishing. */
export function categoryName(category: string): string {
  return CATEGORY_NAMES[category] ?? category;
}
