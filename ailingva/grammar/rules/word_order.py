"""Word order rules: questions without inversion, very before a verb."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc

from ailingva.grammar.findings import Category, Finding
from ailingva.grammar.lexicon import (
    MODALS,
    SUBJECT_PRONOUNS,
    THIRD_SINGULAR_PRONOUNS,
    verb_lemma,
)
from ailingva.grammar.tokens import finding_over

WH_WORDS = frozenset({"what", "where", "when", "why", "how", "which"})
HOW_MODIFIERS = frozenset({"much", "many", "long", "often", "old", "far"})
INVERTING_VERBS = frozenset({"am", "is", "are", "was", "were"}) | MODALS


def question_without_inversion(doc: Doc) -> Iterator[Finding]:
    """Where you live? -> Where do you live?  Why he is sad? -> Why is he sad?"""
    for sent in doc.sents:
        words = [t for t in sent if not t.is_space]
        if len(words) < 4 or words[-1].text != "?" or words[0].lower_ not in WH_WORDS:
            continue
        k = 1
        if words[0].lower_ == "how" and words[1].lower_ in HOW_MODIFIERS:
            k = 2
        if words[0].lower_ in {"what", "which", "how"} and words[k].tag_ in {"NN", "NNS"}:
            k += 1
        if k + 1 >= len(words) - 1 or words[k].lower_ not in SUBJECT_PRONOUNS:
            continue
        subj, verb = words[k], words[k + 1]
        if verb.lower_ in INVERTING_VERBS:
            correction = f"{verb.text} {subj.text}"
        elif verb.pos_ == "VERB" and verb.tag_ in {"VBP", "VBZ", "VBD"}:
            lemma = verb_lemma(verb.lower_)
            if verb.tag_ == "VBD":
                aux = "did"
            elif subj.lower_ in THIRD_SINGULAR_PRONOUNS or verb.tag_ == "VBZ":
                aux = "does"
            else:
                aux = "do"
            correction = f"{aux} {subj.text} {lemma}"
        else:
            continue
        yield finding_over(doc, subj, verb, correction, Category.WORD_ORDER, "question_inversion")


LIKING_VERBS = frozenset(
    {"like", "love", "want", "enjoy", "hate", "need", "miss", "appreciate", "hope", "agree"}
)


def very_before_verb(doc: Doc) -> Iterator[Finding]:
    """I very like it -> I really like it."""
    for very in doc[1:-1]:
        verb = doc[very.i + 1]
        prev = doc[very.i - 1]
        if very.lower_ != "very" or verb_lemma(verb.lower_) not in LIKING_VERBS:
            continue
        if prev.pos_ in {"PRON", "NOUN", "PROPN"} or prev.lower_ == "also":
            correction = f"really {verb.text}"
            yield finding_over(doc, very, verb, correction, Category.WORD_ORDER, "very_before_verb")
