"""Agreement rules: the verb's form follows its subject (he have, people is, there is many)."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc

from ailingva.grammar.findings import Category, Finding
from ailingva.grammar.lexicon import (
    MODALS,
    PLURAL_NOUNS,
    SUBJECT_PRONOUNS,
    THIRD_SINGULAR_PRONOUNS,
    inflect,
)
from ailingva.grammar.tokens import be_form, finding_over, next_word, prev_token

FREQUENCY_ADVERBS = frozenset(
    {"often", "always", "usually", "never", "also", "really", "sometimes", "just", "still"}
)
# Words before a pronoun that make the pronoun part of a question or an object clause.
NOT_FINITE_CONTEXT = frozenset({"do", "does", "did", "let", "make", "help", "to", "that", "if"})


def pronoun_verb_agreement(doc: Doc) -> Iterator[Finding]:
    """He have / she go / she don't / they goes / I is."""
    for subj in doc:
        low = subj.lower_
        if low not in SUBJECT_PRONOUNS or subj.dep_ not in {"nsubj", "nsubjpass"}:
            continue
        prev = prev_token(doc, subj)
        if prev is not None and (prev.lower_ in NOT_FINITE_CONTEXT | MODALS):
            continue
        verb = next_word(doc, subj.i, FREQUENCY_ADVERBS)
        if verb is None or verb.text.startswith("'") or verb.lower_ == "were":
            continue
        if low in THIRD_SINGULAR_PRONOUNS and verb.tag_ == "VBP":
            correction = "is" if verb.lower_ in {"are", "am"} else inflect(verb.lemma_, "VBZ")
        elif low not in THIRD_SINGULAR_PRONOUNS and verb.tag_ == "VBZ":
            correction = be_form(subj) if verb.lemma_ == "be" else verb.lemma_
        elif low in {"you", "we", "they"} and verb.lower_ == "was":
            correction = "were"
        else:
            continue
        if correction != verb.lower_:
            rule = "third_person_verb" if low in THIRD_SINGULAR_PRONOUNS else "be_with_subject"
            yield finding_over(
                doc, verb, verb, correction, Category.AGREEMENT, rule, subject=subj.text
            )


COLLECTIVE_NOUNS = frozenset(
    {"family", "team", "government", "staff", "crew", "audience", "class", "group", "majority"}
    | {"number", "couple", "public", "company", "committee", "youth", "police", "percent"}
)
PLURAL_VERB_FOR = {"is": "are", "was": "were", "has": "have", "does": "do"}
SINGULAR_VERB_FOR = {plural: singular for singular, plural in PLURAL_VERB_FOR.items()}
SINGULAR_DETERMINERS = frozenset({"a", "an", "this", "that", "every", "each", "my", "his", "her"})


def noun_verb_agreement(doc: Doc) -> Iterator[Finding]:
    """People is / my brother have: a noun subject right before a finite verb."""
    for subj in doc[:-1]:
        if subj.dep_ != "nsubj" or any(c.dep_ == "conj" for c in subj.children):
            continue
        verb = doc[subj.i + 1]
        if verb.head != subj.head and verb != subj.head:
            continue
        plural = subj.lower_ in PLURAL_NOUNS or (
            subj.tag_ == "NNS" and not subj.lower_.endswith(("ss", "ics", "news"))
        )
        if plural and verb.lower_ in PLURAL_VERB_FOR:
            forms, rule = PLURAL_VERB_FOR, "plural_subject_verb"
        elif (
            subj.tag_ == "NN"
            and subj.lower_ not in COLLECTIVE_NOUNS
            and verb.lower_ in SINGULAR_VERB_FOR
            and any(c.lower_ in SINGULAR_DETERMINERS for c in subj.lefts)
        ):
            forms, rule = SINGULAR_VERB_FOR, "singular_subject_verb"
        else:
            continue
        correction = forms[verb.lower_]
        yield finding_over(doc, verb, verb, correction, Category.AGREEMENT, rule, subject=subj.text)


def there_is_plural(doc: Doc) -> Iterator[Finding]:
    """There is many people -> There are many people."""
    for be in doc[1:-1]:
        if doc[be.i - 1].lower_ != "there" or be.lower_ not in {"is", "was"}:
            continue
        noun = next((c for c in be.children if c.dep_ in {"attr", "nsubj"} and c.i > be.i), None)
        if noun is None or noun.tag_ != "NNS" or not noun.is_alpha:
            continue
        if any(c.dep_ == "det" and c.lower_ in {"a", "an"} for c in noun.children):
            continue
        if any(c.dep_ == "conj" for c in noun.children):
            continue  # "there is a cat and two dogs": agreement with the first noun is fine
        correction = "are" if be.lower_ == "is" else "were"
        yield finding_over(
            doc, be, be, correction, Category.AGREEMENT, "plural_subject_verb", subject=noun.text
        )
