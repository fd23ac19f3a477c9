"""What the grammar engine reports: one finding per error, with a Russian explanation."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from typing import Any

# The engine checks at most this much of a text (longer input is cut so one request cannot hog
# it), so a finding's span lies within it. Here, not in the checker, so that readers of stored
# findings need not import spaCy.
MAX_CHECKED_CHARS = 2000


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
    # Speech-to-text was unsure of these very words: the learner may not have said them, so
    # the finding is asked as a question («Вы сказали …?»), never stated as a correction.
    uncertain: bool = False

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["category"] = str(self.category)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Finding:
        """The finding `as_json` gave, ignoring keys it does not know. ValueError when `data` is
        not a finding: a field missing or of the wrong type, an unknown category, a bad span."""
        try:
            finding = cls(
                start=data["start"],
                end=data["end"],
                original=data["original"],
                correction=data["correction"],
                category=Category(data["category"]),
                explanation=data["explanation"],
                source=data.get("source", "rules"),
                uncertain=data.get("uncertain", False),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"not a finding: {type(exc).__name__}: {exc}") from exc
        texts = (finding.original, finding.correction, finding.explanation, finding.source)
        if not all(isinstance(t, str) for t in texts):
            raise ValueError("not a finding: a text field is not a string")
        if not isinstance(finding.uncertain, bool):
            raise ValueError("not a finding: uncertain must be true or false")
        # bool is an int to isinstance; a span of True/False is still not a span.
        if not (type(finding.start) is int and type(finding.end) is int):
            raise ValueError("not a finding: start and end must be integers")
        if not 0 <= finding.start <= finding.end:
            raise ValueError(f"not a finding: span {finding.start}..{finding.end}")
        return finding


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z']+", text)}


def mark_unsure(
    findings: Sequence[Finding], text: str, unsure: Sequence[str]
) -> tuple[Finding, ...]:
    """`findings` on `text`, those that touch a word speech-to-text heard without confidence
    (`unsure`: such words or whole phrases) marked `uncertain`. A missing word touches the
    words on either side of the gap."""
    doubtful = set().union(*map(_words, unsure)) if unsure else set()
    if not doubtful:
        return tuple(findings)
    marked = []
    for finding in findings:
        span = finding.original or " ".join(
            (*text[: finding.start].split()[-1:], *text[finding.end :].split()[:1])
        )
        marked.append(replace(finding, uncertain=True) if _words(span) & doubtful else finding)
    return tuple(marked)
