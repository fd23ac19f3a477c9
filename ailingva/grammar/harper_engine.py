"""Harper (a Rust grammar checker) for spelling and a few lints that proved precise.

Only the lints listed in `HARPER_LINTS` are switched on: measured on REALEC (Russian learners'
essays) the others flag correct text far too often (long sentences, Oxford comma, style).
"""

from __future__ import annotations

import harper
from wordfreq import zipf_frequency

from ailingva.grammar.explanations import explain
from ailingva.grammar.findings import Category, Finding
from ailingva.grammar.lexicon import verb_lemma

# Harper rule name -> the category and our explanation template.
HARPER_LINTS: dict[str, tuple[Category, str]] = {
    "SpellCheck": (Category.SPELLING, "spelling"),
    "SplitWords": (Category.SPELLING, "split_word"),
    "DisjointPrefixes": (Category.SPELLING, "split_word"),
    "Without": (Category.SPELLING, "split_word"),
    "WrongNegative": (Category.SPELLING, "spelling"),
    "Payed": (Category.VERB_FORM, "irregular_past"),
    "RegularIrregulars": (Category.VERB_FORM, "irregular_past"),
    "PronounVerbAgreement": (Category.AGREEMENT, "harper_agreement"),
    "PronounInflectionBe": (Category.AGREEMENT, "harper_agreement"),
    "NominalWants": (Category.AGREEMENT, "harper_agreement"),
    "AnA": (Category.ARTICLES, "an_before_consonant"),
    "MassNouns": (Category.PLURAL, "uncountable_plural"),
    "WorthToDo": (Category.VERB_FORM, "harper_grammar"),
    "ThatThan": (Category.WORD_CHOICE, "harper_grammar"),
}
# A word this common in English text is a real word (often a British/American variant or a
# name), even if Harper's dictionary lacks it; real misspellings ("recieve", "wich") are rarer.
COMMON_WORD_ZIPF = 3.2


class HarperEngine:
    """One Harper linter with our lint selection. Not thread-safe: the caller serialises."""

    def __init__(self) -> None:
        self._linter = harper.Linter(harper.Dialect.BRITISH)
        config: dict[str, bool | None] = dict.fromkeys(
            self._linter.get_default_lint_config(), False
        )
        config.update(dict.fromkeys(HARPER_LINTS, True))
        self._linter.set_lint_config(config)

    def check(self, text: str) -> list[Finding]:
        """Findings from the enabled Harper lints, with our categories and explanations."""
        findings = []
        for rule, lints in self._linter.organized_lints(text, language="plaintext").items():
            if rule not in HARPER_LINTS:
                continue
            for lint in lints:
                finding = _to_finding(text, rule, lint)
                if finding is not None:
                    findings.append(finding)
        return findings


def _to_finding(text: str, rule: str, lint: harper.Lint) -> Finding | None:
    start, end = lint.span.start, lint.span.end
    original = text[start:end]
    if not lint.suggestions or not original:
        return None
    suggestion = lint.suggestions[0]
    if suggestion.kind == harper.SuggestionKind.INSERT_AFTER:
        correction = original + suggestion.replacement_text
    else:
        correction = suggestion.replacement_text
    if rule == "SpellCheck" and not _is_misspelling(text, start, original, correction):
        return None
    category, template = HARPER_LINTS[rule]
    if rule == "AnA" and original.lower() == "a":
        template = "a_before_vowel"
    explanation = explain(
        template,
        original=original,
        correction=correction,
        noun=correction,
        lemma=verb_lemma(original),
    )
    return Finding(start, end, original, correction, category, explanation, source="harper")


def _is_misspelling(text: str, start: int, word: str, correction: str) -> bool:
    """Whether Harper's unknown word is a real English misspelling worth correcting.

    Names (capitalised mid-sentence), abbreviations, non-English words (Russian, transliterated),
    common words missing from Harper's dictionary, and case-only changes are left alone.
    """
    if not (word.isascii() and word.replace("'", "").isalpha()) or len(word) < 3:
        return False
    if word.isupper() or correction.lower() == word.lower():
        return False
    sentence_start = not text[:start].rstrip() or text[:start].rstrip()[-1] in ".!?\"'(«"
    if word[0].isupper() and not sentence_start:
        return False
    return zipf_frequency(word.lower(), "en") < COMMON_WORD_ZIPF
