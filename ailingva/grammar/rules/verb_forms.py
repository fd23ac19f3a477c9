"""Verb form rules: irregular past, participles, the bare verb after do and modals."""

from __future__ import annotations

from collections.abc import Iterator

from lemminflect import getInflection
from spacy.tokens import Doc, Token
from wordfreq import zipf_frequency

from ailingva.grammar.findings import Category, Finding
from ailingva.grammar.lexicon import (
    MID_ADVERBS,
    MODALS,
    SUBJECT_PRONOUNS,
    inflect,
    match_case,
    verb_lemma,
)
from ailingva.grammar.tokens import finding_over, next_word

HAVE_FORMS = frozenset({"have", "has", "had", "'ve", "having"})
BE_FORMS = frozenset({"am", "is", "are", "was", "were", "be", "been", "being", "'m", "'re"})


def regularised_irregular(doc: Doc) -> Iterator[Finding]:
    """goed -> went, buyed -> bought; after have/be the participle (gone, bought)."""
    for tok in doc:
        low = tok.lower_
        if not (low.endswith("ed") and low.isalpha()) or zipf_frequency(low, "en") >= 3.0:
            continue
        lemma = verb_lemma(low)
        past_forms = getInflection(lemma, "VBD")
        if lemma == low or not past_forms or low in past_forms or past_forms[0].endswith("ed"):
            continue
        before = _prev_word(doc, tok)
        tag = "VBN" if before is not None and before.lower_ in HAVE_FORMS | BE_FORMS else "VBD"
        correction = match_case(inflect(lemma, tag), tok.text)
        yield finding_over(
            doc, tok, tok, correction, Category.VERB_FORM, "irregular_past", lemma=lemma
        )


def _prev_word(doc: Doc, tok: Token) -> Token | None:
    """The nearest token before `tok` that is not a mid-sentence adverb."""
    for prev in reversed(doc[: tok.i]):
        if prev.lower_ not in MID_ADVERBS:
            return prev
    return None


# Participles British English uses where lemminflect knows only the American form ("gotten").
BRITISH_PARTICIPLES = ("got",)


def past_after_have(doc: Doc) -> Iterator[Finding]:
    """have went -> have gone, has came -> has come."""
    for aux in doc:
        if aux.lower_ not in HAVE_FORMS or aux.lemma_ != "have":
            continue
        verb = next_word(doc, aux.i)
        if verb is None or not verb.is_alpha:
            continue
        low = verb.lower_
        lemma = verb_lemma(low)
        participle = inflect(lemma, "VBN")
        participles = (*getInflection(lemma, "VBN"), *BRITISH_PARTICIPLES)
        if lemma != low and low in getInflection(lemma, "VBD") and low not in participles:
            yield finding_over(
                doc, verb, verb, participle, Category.VERB_FORM, "perfect_participle"
            )


def _bare_form_after(doc: Doc, aux: Token) -> tuple[Token, str] | None:
    """The verb after an auxiliary (and an optional subject pronoun) if it is not bare."""
    verb = next_word(doc, aux.i)
    if verb is not None and verb.lower_ in SUBJECT_PRONOUNS:
        verb = next_word(doc, verb.i)
    if verb is None or verb.tag_ not in {"VBD", "VBZ"}:
        return None
    lemma = verb_lemma(verb.lower_)
    if lemma == verb.lower_ or lemma == "be":
        return None
    if verb.lower_ not in getInflection(lemma, verb.tag_):
        return None
    return verb, lemma


def bare_form_after_auxiliary(doc: Doc) -> Iterator[Finding]:
    """didn't went -> didn't go, can speaks -> can speak, does he likes -> does he like."""
    for aux in doc:
        is_do = aux.lemma_ == "do" and aux.pos_ == "AUX"
        is_modal = aux.lower_ in MODALS and aux.tag_ == "MD"
        if not (is_do or is_modal):
            continue
        found = _bare_form_after(doc, aux)
        if found is None:
            continue
        verb, lemma = found
        rule = "did_with_past" if is_do else "modal_with_form"
        yield finding_over(doc, verb, verb, lemma, Category.VERB_FORM, rule, modal=aux.lower_)
