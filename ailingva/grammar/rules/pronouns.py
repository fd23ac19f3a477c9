"""Pronoun rules: an object pronoun as the subject (me and him went)."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc

from ailingva.grammar.findings import Category, Finding
from ailingva.grammar.lexicon import (
    OBJECT_PRONOUNS,
    SUBJECT_PRONOUNS,
    match_case,
)
from ailingva.grammar.tokens import finding_over, prev_token

OBJECT_TO_SUBJECT = {"me": "I", "him": "he", "us": "we", "them": "they"}
CLAUSE_OPENERS = frozenset({",", "and", "but", "because", "so", "when", "then", "that"})


def object_pronoun_as_subject(doc: Doc) -> Iterator[Finding]:
    """Me and him went -> I and he went (better: He and I went)."""
    for tok in doc:
        if tok.lower_ not in OBJECT_TO_SUBJECT:
            continue
        is_subject = tok.dep_ == "nsubj" and tok.head.pos_ in {"VERB", "AUX"}
        is_conj_subject = tok.dep_ == "conj" and tok.head.dep_ == "nsubj"
        prev = prev_token(doc, tok)
        opens_clause = prev is None or prev.lower_ in CLAUSE_OPENERS or prev.is_sent_start
        if (is_subject and opens_clause and tok.head.dep_ not in {"ccomp", "xcomp"}) or (
            is_conj_subject and tok.head.lower_ in OBJECT_PRONOUNS | SUBJECT_PRONOUNS
        ):
            correction = match_case(OBJECT_TO_SUBJECT[tok.lower_], tok.text)
            yield finding_over(
                doc, tok, tok, correction, Category.PRONOUNS, "object_pronoun_as_subject"
            )
