"""Tense and aspect rules: Present Perfect against Past Simple, since and for."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc, Token

from ailingva.grammar.findings import Category, Finding
from ailingva.grammar.lexicon import DAY_NAMES, NEGATIONS, inflect
from ailingva.grammar.tokens import be_form, finding_over, is_third_singular, subject_of, with_host

TIME_NOUNS = (
    frozenset({"week", "month", "year", "night", "summer", "winter", "spring", "autumn", "time"})
    | DAY_NAMES
)


def _past_time_marker(verb: Token) -> Token | None:
    """A phrase on `verb` naming a finished time: yesterday, ago, last week, in 2010."""
    for child in verb.children:
        words = [t.lower_ for t in child.subtree]
        if child.lower_ == "yesterday" or (child.dep_ != "prep" and "ago" in words):
            return child
        if child.lower_ in TIME_NOUNS and any(c.lower_ == "last" for c in child.children):
            return child
        if child.lower_ == "in" and any(
            c.text.isdigit() and len(c.text) == 4 and c.text[:2] in {"19", "20"}
            for c in child.children
        ):
            return child
    return None


def perfect_with_past_time(doc: Doc) -> Iterator[Finding]:
    """I have seen him yesterday -> I saw him yesterday."""
    for aux in doc:
        if aux.lower_ not in {"have", "has", "'ve"} or aux.dep_ != "aux":
            continue
        verb = aux.head
        between = doc[aux.i + 1 : verb.i]
        if verb.tag_ != "VBN" or verb.i < aux.i or any(t.lower_ not in NEGATIONS for t in between):
            continue
        marker = _past_time_marker(verb)
        if marker is None:
            continue
        subject = subject_of(verb)
        if verb.lemma_ == "be":
            past = be_form(subject, past=True)
            correction = past + "n't" if len(between) else past
        else:
            correction = "didn't " + verb.lemma_ if len(between) else inflect(verb.lemma_, "VBD")
        phrase = doc[marker.left_edge.i : marker.right_edge.i + 1].text
        first, correction = with_host(aux, subject, correction)
        yield finding_over(
            doc, first, verb, correction, Category.TENSE, "perfect_with_past_time", marker=phrase
        )


DURATION_NOUNS = frozenset({"year", "month", "week", "day", "hour", "minute", "age", "time"})
DURATION_VERBS = frozenset({"know", "live", "be", "love", "have", "work", "study", "learn"})
HABIT_WORDS = frozenset({"every", "usually", "always", "often", "sometimes", "each", "daily"})


def _since_or_for(verb: Token) -> Token | None:
    """A since/for phrase on a present (or, for since, past) simple verb that needs the perfect."""
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ == "since" and any(child.children):
            return child
        if (
            child.dep_ == "prep"
            and child.lower_ == "for"
            and verb.tag_ != "VBD"
            and verb.lemma_ in DURATION_VERBS
            and any(
                obj.lemma_ in DURATION_NOUNS
                and any(c.dep_ in {"nummod", "amod", "det"} for c in obj.children)
                for obj in child.children
            )
        ):
            return child
        if (
            child.dep_ == "advcl"
            and child.i > verb.i
            and child.tag_ == "VBD"
            and verb.tag_ != "VBD"
            and any(c.dep_ == "mark" and c.lower_ == "since" for c in child.children)
        ):
            return next(c for c in child.children if c.lower_ == "since")
    return None


def since_for_perfect(doc: Doc) -> Iterator[Finding]:
    """I live here since 2010 -> I have lived here since 2010."""
    for verb in doc:
        if verb.tag_ not in {"VBP", "VBZ", "VBD"} or verb.dep_ not in {"ROOT", "conj"}:
            continue
        if any(c.dep_ in {"aux", "auxpass", "neg"} for c in verb.children):
            continue
        words = {t.lower_ for t in verb.sent}
        subject = subject_of(verb)
        marker = _since_or_for(verb)
        if marker is None or subject is None or words & HABIT_WORDS or "ago" in words:
            continue
        have = "has" if is_third_singular(subject) else "have"
        correction = f"{have} {inflect(verb.lemma_, 'VBN')}"
        yield finding_over(
            doc, verb, verb, correction, Category.TENSE, "since_for_perfect", marker=marker.text
        )
