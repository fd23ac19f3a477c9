"""Word choice rules: say or tell, make or do, look or watch, amount or number."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc

from ailingva.grammar.findings import Category, Finding
from ailingva.grammar.lexicon import UNCOUNTABLE_PLURALS, inflect, match_case
from ailingva.grammar.tokens import finding_over, pronoun_object


def say_tell(doc: Doc) -> Iterator[Finding]:
    """say me -> tell me; said him -> told him."""
    for verb in doc[:-2]:
        if verb.lemma_ != "say" or not verb.tag_.startswith("VB"):
            continue
        obj = pronoun_object(doc, verb)
        if obj is None or obj.lower_ == "you" or doc[obj.i + 1].is_punct:
            continue  # "say them" at the end of a clause is a thing said, not a listener
        correction = match_case(inflect("tell", verb.tag_), verb.text)
        yield finding_over(doc, verb, verb, correction, Category.WORD_CHOICE, "say_tell")


# A verb, its objects' lemmas, the verb a student should use, the rule and its category. Two
# are calques (make a photo, visit lessons): one rule still reads them all, in one pass.
COLLOCATIONS: tuple[tuple[frozenset[str], frozenset[str], str, str, Category], ...] = (
    (
        frozenset({"make", "do"}),
        frozenset({"photo", "photograph", "selfie", "pic"}),
        "take",
        "take_photo",
        Category.CALQUE,
    ),
    (
        frozenset({"make"}),
        frozenset({"homework", "sport", "sports", "exercise", "shopping", "housework"}),
        "do",
        "do_make",
        Category.WORD_CHOICE,
    ),
    (
        frozenset({"do"}),
        frozenset({"mistake", "decision", "noise", "progress"}),
        "make",
        "do_make",
        Category.WORD_CHOICE,
    ),
    (
        frozenset({"visit"}),
        frozenset({"lesson", "lecture", "class", "course", "seminar"}),
        "attend",
        "visit_lessons",
        Category.CALQUE,
    ),
    (
        frozenset({"look"}),
        frozenset({"tv", "television", "film", "movie", "cartoon", "series", "match"}),
        "watch",
        "look_watch",
        Category.WORD_CHOICE,
    ),
)


def wrong_collocation_verb(doc: Doc) -> Iterator[Finding]:
    """make a photo -> take, make homework -> do, do a mistake -> make, look TV -> watch."""
    for verb in doc:
        if verb.pos_ != "VERB":
            continue
        for verbs, objects, right, rule, category in COLLOCATIONS:
            if verb.lemma_ not in verbs:
                continue
            obj = next(
                (c for c in verb.children if c.dep_ == "dobj" and c.lemma_.lower() in objects),
                None,
            )
            if obj is not None:
                correction = match_case(inflect(right, verb.tag_), verb.text)
                phrase = f"{right} {obj.text}"
                yield finding_over(doc, verb, verb, correction, category, rule, phrase=phrase)


def amount_of_countable(doc: Doc) -> Iterator[Finding]:
    """the amount of people -> the number of people."""
    for amount in doc[:-2]:
        of, noun = doc[amount.i + 1], doc[amount.i + 2]
        if amount.lower_ != "amount" or of.lower_ != "of":
            continue
        obj = next((c for c in of.children if c.dep_ == "pobj"), noun)
        if obj.tag_ == "NNS" and obj.lower_ not in UNCOUNTABLE_PLURALS and obj.is_alpha:
            yield finding_over(
                doc, amount, amount, "number", Category.WORD_CHOICE, "amount_number", noun=obj.text
            )
