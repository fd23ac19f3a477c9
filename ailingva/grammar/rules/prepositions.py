"""Preposition rules: the wrong one, a missing one, an extra one, and those of time."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc, Token

from ailingva.grammar.findings import Category, Finding
from ailingva.grammar.lexicon import DAY_NAMES, match_case
from ailingva.grammar.tokens import finding_over, pronoun_object

# (head word or lemma, wrong preposition) -> the preposition English uses.
WRONG_PREPOSITIONS: dict[tuple[str, str], str] = {
    ("depend", "from"): "on",
    ("depend", "of"): "on",
    ("dependent", "from"): "on",
    ("married", "with"): "to",
    ("consist", "from"): "of",
    ("afraid", "from"): "of",
    ("interested", "about"): "in",
    ("interested", "on"): "in",
    ("interested", "to"): "in",
    ("participate", "at"): "in",
    ("participate", "on"): "in",
    ("congratulate", "with"): "on",
    ("angry", "on"): "with",
    ("divide", "on"): "into",
    ("translate", "on"): "into",
    ("similar", "with"): "to",
    ("responsible", "of"): "for",
    ("proud", "with"): "of",
    ("proud", "by"): "of",
    ("famous", "by"): "for",
    ("arrive", "to"): "in",
}
# Verbs that take a direct object, where learners add a preposition ("discuss about").
NO_PREPOSITION: dict[str, frozenset[str]] = {
    "discuss": frozenset({"about"}),
    "mention": frozenset({"about"}),
    "enter": frozenset({"to", "in"}),
    "reach": frozenset({"to"}),
    "attend": frozenset({"at", "on", "to"}),
    "resemble": frozenset({"to", "on"}),
    "answer": frozenset({"on"}),
}
MOTION_VERBS = frozenset({"go", "come", "get", "return", "walk", "drive", "run", "hurry", "fly"})
ADVERB_PLACES = frozenset({"home", "abroad", "there", "here", "downtown"})


def _preposition_fix(doc: Doc, prep: Token, right: str, head: Token) -> Finding:
    """`prep` replaced by the preposition `right` that `head` takes."""
    correction = match_case(right, prep.text)
    return finding_over(
        doc, prep, prep, correction, Category.PREPOSITIONS, "verb_preposition", head=head.text
    )


def wrong_preposition(doc: Doc) -> Iterator[Finding]:
    """depend from -> depend on, married with -> married to, arrive to -> arrive in."""
    for prep in doc:
        if prep.dep_ != "prep" or not any(c.dep_ == "pobj" for c in prep.children):
            continue
        head = prep.head
        right = WRONG_PREPOSITIONS.get((head.lower_, prep.lower_)) or WRONG_PREPOSITIONS.get(
            (head.lemma_, prep.lower_)
        )
        if right is None or (
            head.lower_ == "married" and head.i > 0 and doc[head.i - 1].lemma_ not in {"be", "get"}
        ):
            continue  # "he married with her" wants no preposition, not "to"
        if head.lemma_ == "arrive":
            obj = next(c for c in prep.children if c.dep_ == "pobj")
            right = "in" if obj.pos_ == "PROPN" else "at"
        yield _preposition_fix(doc, prep, right, head)


def extra_preposition(doc: Doc) -> Iterator[Finding]:
    """discuss about -> discuss; go to home -> go home."""
    for verb in doc[:-2]:
        prep, obj = doc[verb.i + 1], doc[verb.i + 2]
        if verb.pos_ != "VERB":
            continue
        extra = prep.lower_ in NO_PREPOSITION.get(verb.lemma_, frozenset())
        motion = verb.lemma_ in MOTION_VERBS and prep.lower_ == "to" and obj.lower_ in ADVERB_PLACES
        if extra and not obj.is_punct:
            first, last, kept = verb, prep, verb  # "discuss about" -> "discuss"
        elif motion:
            first, last, kept = prep, obj, obj  # "to home" -> "home"
        else:
            continue
        yield finding_over(
            doc, first, last, kept.text, Category.PREPOSITIONS, "extra_preposition", head=kept.text
        )


def missing_preposition(doc: Doc) -> Iterator[Finding]:
    """listen music -> listen to music; wait you -> wait for you."""
    for verb in doc[:-1]:
        obj = doc[verb.i + 1]
        if verb.lemma_ == "listen" and obj.pos_ in {"NOUN", "PRON", "PROPN", "DET"}:
            prep = "to"
        elif verb.lemma_ == "wait" and pronoun_object(doc, verb) is not None:
            prep = "for"  # "wait her" but not "wait her turn"
        else:
            continue
        correction = f"{verb.text} {prep} {obj.text}"
        yield finding_over(
            doc,
            verb,
            obj,
            correction,
            Category.PREPOSITIONS,
            "missing_preposition",
            head=verb.lemma_,
        )


DAY_PARTS = frozenset({"morning", "afternoon", "evening"})


def time_preposition(doc: Doc) -> Iterator[Finding]:
    """in Monday -> on Monday; at the morning -> in the morning; in night -> at night."""
    for prep in doc[:-1]:
        nxt = doc[prep.i + 1]
        noun = doc[prep.i + 2] if nxt.lower_ == "the" and prep.i + 2 < len(doc) else nxt
        low = prep.lower_
        if low in {"in", "at"} and nxt.lower_ in DAY_NAMES:
            right = "on"
        elif low == "at" and noun.lower_ in DAY_PARTS and noun is not nxt:
            right = "in"
        elif low == "in" and nxt.lower_ == "night":
            right = "at"
        else:
            continue
        yield _preposition_fix(doc, prep, right, noun)
