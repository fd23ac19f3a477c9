const CYRILLIC = /\p{Script=Cyrillic}/gu;
const LATIN = /\p{Script=Latin}/gu;

/** The language of a line the student or the tutor wrote: Russian when most letters are
 * Cyrillic («как сказать "dog"?»), English otherwise. Screen readers and hyphenation use it. */
export function textLang(text: string): "ru" | "en" {
  const cyrillic = text.match(CYRILLIC)?.length ?? 0;
  const latin = text.match(LATIN)?.length ?? 0;
  return cyrillic > latin ? "ru" : "en";
}
