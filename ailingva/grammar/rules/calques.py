"""Calques of Russian: am agree, explain me, magazine for shop, have 20 years, how is your name."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc

from ailingva.grammar.findings import Category, Finding
from ailingva.grammar.lexicon import NEGATIONS, inflect, match_case
from ailingva.grammar.tokens import (
    be_form,
    finding_over,
    next_token,
    prev_token,
    pronoun_object,
    subject_of,
    with_host,
)

# Verbs Russian speakers put after am/is/are ("I am agree", "it is depend").
CALQUE_VERBS = frozenset(
    {"agree", "disagree", "understand", "depend", "know", "believe", "prefer", "remember"}
    | {"like", "want", "need", "think", "mean", "hope", "live", "work", "study", "go"}
)
# Words that after "be" may well be a preposition, an adjective or a noun.
AMBIGUOUS_CALQUE_VERBS = frozenset({"like", "go", "live", "work", "study", "mean", "need", "hope"})


def be_with_verb(doc: Doc) -> Iterator[Finding]:
    """I am agree -> I agree; it is depend -> it depends; I'm not agree -> I don't agree."""
    for be in doc[:-1]:
        if be.lemma_ != "be" or be.lower_ not in {"am", "is", "are", "'m", "'s", "'re"}:
            continue
        negated = doc[be.i + 1].lower_ in NEGATIONS
        verb = doc[be.i + 1 + int(negated)] if be.i + 1 + int(negated) < len(doc) else None
        if verb is None or verb.lower_ not in CALQUE_VERBS:
            continue
        if verb.lower_ in AMBIGUOUS_CALQUE_VERBS and verb.tag_ not in {"VB", "VBP"}:
            continue  # "it is like a dream", "he is mean", "the work is hard"
        third = be.lower_ in {"is", "'s"}
        if negated:
            correction = ("doesn't " if third else "don't ") + verb.lower_
        else:
            correction = inflect(verb.lower_, "VBZ" if third else "VBP")
        first, correction = with_host(be, prev_token(doc, be), correction)
        yield finding_over(
            doc, first, verb, correction, Category.CALQUE, "be_with_verb", verb=verb.text
        )


def explain_to(doc: Doc) -> Iterator[Finding]:
    """explain me -> explain to me."""
    for verb in doc:
        obj = pronoun_object(doc, verb) if verb.lemma_ == "explain" else None
        if obj is not None:
            correction = f"{verb.text} to {obj.text}"
            yield finding_over(doc, verb, obj, correction, Category.CALQUE, "explain_to")


SHOP_CONTEXT = frozenset(
    {"buy", "food", "bread", "milk", "grocery", "product", "sell", "shopping", "price"}
    | {"vegetable", "fruit", "sausage", "cheese", "meat", "discount", "cashier"}
)


def magazine_shop(doc: Doc) -> Iterator[Finding]:
    """magazine (журнал) used for магазин: "buy bread in the magazine" -> shop."""
    lemmas = {t.lemma_.lower() for t in doc}
    if not lemmas & SHOP_CONTEXT:
        return
    for tok in doc:
        if tok.lower_ in {"magazine", "magazines"} and tok.head.lower_ in {
            "in",
            "to",
            "at",
            "from",
        }:
            correction = match_case("shops" if tok.lower_.endswith("s") else "shop", tok.text)
            yield finding_over(doc, tok, tok, correction, Category.CALQUE, "magazine_shop")


def have_years(doc: Doc) -> Iterator[Finding]:
    """I have 20 years -> I am 20 years old."""
    for have in doc[:-2]:
        num, years = doc[have.i + 1], doc[have.i + 2]
        if have.lemma_ != "have" or not num.like_num or years.lower_ not in {"years", "year"}:
            continue
        after = next_token(doc, years)
        if after is not None and not (after.is_punct or after.lower_ in {"old", "and"}):
            continue
        subject = subject_of(have)
        if subject is None:
            continue
        be = be_form(subject, past=have.lower_ == "had")
        old = "" if after is not None and after.lower_ == "old" else " old"
        correction = f"{be} {num.text} {years.text}{old}"
        yield finding_over(doc, have, years, correction, Category.CALQUE, "have_years")


def how_name(doc: Doc) -> Iterator[Finding]:
    """How is your name? -> What is your name?"""
    for how in doc[:-3]:
        be, poss, name = doc[how.i + 1 : how.i + 4]
        if (
            how.lower_ == "how"
            and be.lower_ in {"is", "'s"}
            and poss.dep_ == "poss"
            and name.lower_ == "name"
        ):
            yield finding_over(
                doc, how, how, match_case("what", how.text), Category.CALQUE, "how_name"
            )
