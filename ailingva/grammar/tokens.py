"""Token helpers the rules share: neighbours, subjects, the form of be, a finding over tokens."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from ailingva.grammar.explanations import explain
from ailingva.grammar.findings import Category, Finding
from ailingva.grammar.lexicon import (
    MID_ADVERBS,
    OBJECT_PRONOUNS,
    PLURAL_NOUNS,
    SUBJECT_PRONOUNS,
    THIRD_SINGULAR_PRONOUNS,
)


def finding_over(
    doc: Doc,
    first: Token,
    last: Token,
    correction: str,
    category: Category,
    rule: str,
    **words: str,
) -> Finding:
    """A finding over the tokens `first`..`last` with the rule's explanation."""
    start, end = first.idx, last.idx + len(last.text)
    original = doc.text[start:end]
    explanation = explain(rule, original=original, correction=correction, **words)
    return Finding(start, end, original, correction, category, explanation, source="rules")


def next_word(doc: Doc, i: int, skip: frozenset[str] = MID_ADVERBS) -> Token | None:
    """The first token after index `i` that is not in `skip`."""
    for tok in doc[i + 1 :]:
        if tok.lower_ not in skip:
            return tok
    return None


def prev_token(doc: Doc, tok: Token) -> Token | None:
    return doc[tok.i - 1] if tok.i > 0 else None


def next_token(doc: Doc, tok: Token) -> Token | None:
    return doc[tok.i + 1] if tok.i + 1 < len(doc) else None


def is_third_singular(subject: Token | None) -> bool:
    """Whether a subject takes -s: he/she/it, this/that, or a singular common noun."""
    if subject is None:
        return False
    low = subject.lower_
    if low in SUBJECT_PRONOUNS:
        return low in THIRD_SINGULAR_PRONOUNS
    if low in PLURAL_NOUNS or any(c.dep_ == "conj" for c in subject.children):
        return False
    return subject.tag_ in {"NN", "NNP", "DT"}


def subject_of(verb: Token) -> Token | None:
    return next((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass", "expl"}), None)


def be_form(subject: Token | None, *, past: bool = False) -> str:
    """The form of "be" that agrees with `subject`: am/is/are, or in the past was/were."""
    first_person = subject is not None and subject.lower_ == "i"
    if past:
        return "was" if first_person or is_third_singular(subject) else "were"
    if first_person:
        return "am"
    return "is" if is_third_singular(subject) else "are"


def with_host(aux: Token, host: Token | None, correction: str) -> tuple[Token, str]:
    """Where a contracted `aux` ('ve, 'm) is replaced, the word it leans on goes with it.

    The span then starts at `host` and the correction repeats it ("I've seen" -> "I saw").
    """
    if aux.text.startswith("'") and host is not None:
        return host, f"{host.text} {correction}"
    return aux, correction


def pronoun_object(doc: Doc, verb: Token) -> Token | None:
    """A personal pronoun right after `verb` used as its object (not "her" as a determiner)."""
    obj = next_token(doc, verb)
    if obj is not None and obj.lower_ in OBJECT_PRONOUNS | {"you"} and obj.dep_ != "poss":
        return obj
    return None
