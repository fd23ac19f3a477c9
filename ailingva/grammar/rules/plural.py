"""Plural and countable rules: a number before a singular noun, uncountable nouns as countable."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc, Token

from ailingva.grammar.findings import Category, Finding
from ailingva.grammar.lexicon import (
    UNCOUNTABLE,
    UNCOUNTABLE_PLURALS,
    inflect,
    is_countable,
    match_case,
)
from ailingva.grammar.tokens import finding_over, next_token

# Nouns that follow a number in the singular ("two hundred", "5 percent").
NUMBER_NOUNS = frozenset(
    {"percent", "per", "hundred", "thousand", "million", "billion", "trillion", "dozen"}
)
NUMBER_WORDS = frozenset(
    {"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"}
    | {"twenty", "thirty", "forty", "fifty", "hundred", "several", "many", "few", "both"}
)
QUANTIFIERS = frozenset({"many", "several", "few", "various", "numerous", "these", "those"})


def _is_number_above_one(tok: Token) -> bool:
    if tok.lower_ in NUMBER_WORDS:
        return True
    return tok.text.isdigit() and tok.text != "1" and len(tok.text) < 4


def singular_after_number(doc: Doc) -> Iterator[Finding]:
    """two brother -> two brothers; many friend -> many friends; many information -> much."""
    for noun in doc[1:]:
        if noun.tag_ != "NN" or not noun.is_alpha or noun.dep_ in {"compound", "amod", "npadvmod"}:
            continue
        nxt = next_token(doc, noun)
        if nxt is not None and (nxt.pos_ in {"NOUN", "PROPN"} or nxt.text in {"-", "of"}):
            continue
        prev = doc[noun.i - 1]
        quantifier = next(
            (
                c
                for c in noun.lefts
                if c.i == noun.i - 1 and (c.dep_ == "nummod" or c.lower_ in QUANTIFIERS)
            ),
            None,
        )
        if quantifier is None or prev.lower_ in NUMBER_NOUNS or noun.lower_ in NUMBER_NOUNS:
            continue
        if quantifier.lower_ == "many" and noun.lower_ in UNCOUNTABLE:
            yield finding_over(
                doc,
                quantifier,
                quantifier,
                match_case("much", quantifier.text),
                Category.PLURAL,
                "much_with_uncountable",
                noun=noun.text,
            )
            continue
        counted = quantifier.dep_ == "nummod" and _is_number_above_one(quantifier)
        if not (counted or quantifier.lower_ in QUANTIFIERS) or not is_countable(noun.lower_):
            continue
        rule = "plural_after_number" if counted else "plural_after_quantifier"
        yield finding_over(
            doc,
            noun,
            noun,
            inflect(noun.lower_, "NNS"),
            Category.PLURAL,
            rule,
            number=quantifier.text,
            quantifier=quantifier.text,
        )


def uncountable_as_countable(doc: Doc) -> Iterator[Finding]:
    """informations -> information; an advice -> advice; a news -> news."""
    for tok in doc:
        low = tok.lower_
        if tok.pos_ == "NOUN" and low in UNCOUNTABLE_PLURALS:
            correction = match_case(UNCOUNTABLE_PLURALS[low], tok.text)
            yield finding_over(
                doc, tok, tok, correction, Category.PLURAL, "uncountable_plural", noun=correction
            )
        elif low in {"a", "an"} and tok.dep_ == "det":
            noun = tok.head
            if noun.lower_ in UNCOUNTABLE - {"knowledge"} and noun.i > tok.i:
                rest = doc.text[doc[tok.i + 1].idx : noun.idx + len(noun.text)]
                yield finding_over(
                    doc,
                    tok,
                    noun,
                    match_case(rest, tok.text),
                    Category.PLURAL,
                    "article_uncountable",
                    noun=noun.text,
                )
