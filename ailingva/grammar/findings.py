"""What the grammar engine reports: one finding per error, with a Russian explanation."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any


class Category(StrEnum):
    ARTICLES = "articles"
    TENSE = "tense"  # tense and aspect, incl. Present Perfect vs Past Simple
    VERB_FORM = "verb_form"  # irregular past, participles, infinitive/gerund
    AGREEMENT = "agreement"  # subject-verb agreement
    PREPOSITIONS = "prepositions"
    WORD_ORDER = "word_order"  # incl. questions
    PLURAL = "plural"  # plural, countable/uncountable
    PRONOUNS = "pronouns"
    CALQUE = "calque"  # false friends and calques typical of Russian speakers
    SPELLING = "spelling"
    WORD_CHOICE = "word_choice"


@dataclass(frozen=True)
class Finding:
    """One error: `text[start:end] == original`; `correction` replaces it."""

    start: int
    end: int
    original: str
    correction: str
    category: Category
    explanation: str  # short, in Russian, for a student
    source: str = "rules"  # which engine found it: "harper" or "rules"

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["category"] = str(self.category)
        return data
