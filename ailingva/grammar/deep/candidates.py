"""Candidate edits for the deep pass: what a learner's sentence might have meant, by error type.

Each generator reads a spaCy parse and proposes edits where Russian speakers often go wrong
(articles, prepositions, verb forms and agreement, noun number). Most candidates are wrong: the
scorer and the classifier decide; a generator only has to be cheap and to include the right one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from lemminflect import getInflection
from spacy.tokens import Doc, Span, Token
from wordfreq import zipf_frequency

from ailingva.grammar.findings import Category
from ailingva.grammar.rules.articles import indefinite_article


class EditKind(StrEnum):
    ARTICLE_INSERT = "article_insert"
    ARTICLE_DELETE = "article_delete"
    ARTICLE_SWAP = "article_swap"
    PREP_SUB = "prep_sub"
    PREP_DELETE = "prep_delete"
    VERB_FORM = "verb_form"
    NOUN_NUMBER = "noun_number"
    WORD_CHOICE = "word_choice"  # any other edit (only a corrector model proposes these)


CATEGORY: dict[EditKind, Category] = {
    EditKind.ARTICLE_INSERT: Category.ARTICLES,
    EditKind.ARTICLE_DELETE: Category.ARTICLES,
    EditKind.ARTICLE_SWAP: Category.ARTICLES,
    EditKind.PREP_SUB: Category.PREPOSITIONS,
    EditKind.PREP_DELETE: Category.PREPOSITIONS,
    EditKind.VERB_FORM: Category.VERB_FORM,
    EditKind.NOUN_NUMBER: Category.PLURAL,
    EditKind.WORD_CHOICE: Category.WORD_CHOICE,
}


@dataclass(frozen=True)
class Edit:
    """Replace `text[start:end]` (`original`) by `replacement`; an insertion has start == end."""

    start: int
    end: int
    original: str
    replacement: str
    kind: EditKind

    def apply(self, text: str) -> str:
        return text[: self.start] + self.replacement + text[self.end :]


# Which preposition a learner may have put in place of which (Russian в/на/к/о/для/от).
PREPOSITIONS: dict[str, tuple[str, ...]] = {
    "in": ("on", "at", "to", "into", "for", "of", "during"),
    "on": ("in", "at", "about", "to", "for"),
    "at": ("in", "on", "to", "for"),
    "to": ("in", "for", "at", "on", "of", "with"),
    "for": ("to", "of", "in", "on", "at", "about"),
    "of": ("for", "in", "about", "from", "on", "to", "with"),
    "with": ("to", "of", "by", "for"),
    "from": ("of", "by", "to", "at"),
    "about": ("of", "on", "for"),
    "by": ("with", "in", "on", "from", "at"),
    "into": ("in", "to", "on"),
    "during": ("in", "for"),
    "since": ("for", "from"),
    "among": ("between",),
    "between": ("among",),
}
ARTICLES = frozenset({"a", "an", "the"})
# A noun phrase beginning with one of these already has its determiner (or cannot take one).
DETERMINED = frozenset(
    {
        "this", "that", "these", "those", "my", "your", "his", "her", "its", "our", "their",
        "some", "any", "no", "every", "each", "all", "both", "many", "much", "few", "several",
        "another", "other", "such", "what", "which", "whose", "either", "neither", "most",
        "more", "less", "least", "enough", "one", "half", "own", "a", "an", "the",
    }
)  # fmt: skip
BE_FORMS = ("am", "is", "are", "was", "were", "be", "been", "being")
HAVE_FORMS = ("have", "has", "had", "having")
DO_FORMS = ("do", "does", "did")
VERB_TAGS = ("VB", "VBZ", "VBP", "VBD", "VBN", "VBG")
KNOWN_ZIPF = 2.5
MODALS = frozenset(
    {"can", "could", "will", "would", "shall", "should", "may", "might", "must", "'ll", "'d"}
)


def candidates(doc: Doc) -> list[Edit]:
    """Every candidate edit of `doc`, without duplicates, in text order."""
    seen: dict[tuple[int, int, str], Edit] = {}
    for edit in (*_articles(doc), *_prepositions(doc), *_verbs(doc), *_nouns(doc)):
        if edit.replacement.strip().lower() == edit.original.strip().lower():
            continue
        seen.setdefault((edit.start, edit.end, edit.replacement), edit)
    return sorted(seen.values(), key=lambda e: (e.start, e.end, e.replacement))


def _replace(token: Token, word: str, kind: EditKind) -> Edit:
    start = token.idx
    return Edit(start, start + len(token.text), token.text, _cased(token.text, word), kind)


def _cased(model: str, word: str) -> str:
    return word[:1].upper() + word[1:] if model[:1].isupper() else word


def _delete(doc: Doc, token: Token, kind: EditKind) -> Edit:
    """Remove a word with the space after it (or before it, at the end of the text); a capital
    it carried moves to the next word ("The people" -> "People")."""
    start, end = token.idx, token.idx + len(token.text)
    nxt = doc[token.i + 1] if token.i + 1 < len(doc) else None
    replacement = ""
    if nxt is not None and token.whitespace_:
        end = nxt.idx
        if token.text[:1].isupper() and nxt.text[:1].islower():
            end = nxt.idx + len(nxt.text)
            replacement = _cased(token.text, nxt.text)
    elif token.i > 0:
        start = doc[token.i - 1].idx + len(doc[token.i - 1].text)
    return Edit(start, end, doc.text[start:end], replacement, kind)


def _chunk_first(chunk: Span) -> Token | None:
    """The first token of a noun phrase that could take an article, or None."""
    first = chunk[0]
    root = chunk.root
    if root.pos_ not in {"NOUN", "PROPN"} or root.lower_ in {"i", "you"}:
        return None
    if first.lower_ in DETERMINED or first.pos_ in {"PRON", "NUM", "DET"} or first.tag_ == "PRP$":
        return None
    if any(t.dep_ == "poss" or t.tag_ in {"POS", "CD"} for t in chunk):
        return None
    prev = chunk.doc[first.i - 1] if first.i > 0 else None
    if prev is not None and (prev.lower_ in DETERMINED or prev.tag_ in {"PRP$", "POS", "CD"}):
        return None
    return first


def _articles(doc: Doc) -> Iterator[Edit]:
    for chunk in doc.noun_chunks:
        first = _chunk_first(chunk)
        if first is None:
            continue
        articles = ["the"]
        if chunk.root.tag_ == "NN":
            articles.append(indefinite_article(first.text))
        for article in articles:
            word = article.capitalize() if first.is_sent_start else article
            yield Edit(first.idx, first.idx, "", word + " ", EditKind.ARTICLE_INSERT)
    for token in doc:
        if token.lower_ not in ARTICLES or token.dep_ != "det":
            continue
        yield _delete(doc, token, EditKind.ARTICLE_DELETE)
        head = token.head
        if token.lower_ == "the":
            if head.tag_ == "NN" and token.i + 1 < len(doc):
                yield _replace(
                    token, indefinite_article(doc[token.i + 1].text), EditKind.ARTICLE_SWAP
                )
        else:
            yield _replace(token, "the", EditKind.ARTICLE_SWAP)


def _prepositions(doc: Doc) -> Iterator[Edit]:
    for token in doc:
        low = token.lower_
        if low not in PREPOSITIONS or token.pos_ not in {"ADP", "SCONJ", "PART"}:
            continue
        if low == "to" and token.tag_ == "TO" and token.head.pos_ in {"VERB", "AUX"}:
            continue  # the infinitive's "to"
        for other in PREPOSITIONS[low]:
            yield _replace(token, other, EditKind.PREP_SUB)
        if token.head.pos_ in {"VERB", "AUX"} or token.i == 0 or doc[token.i - 1].pos_ == "VERB":
            yield _delete(doc, token, EditKind.PREP_DELETE)


def _verb_forms(token: Token) -> tuple[str, ...]:
    low = token.lower_
    if low in BE_FORMS:
        return BE_FORMS[:6]
    if low in HAVE_FORMS:
        return HAVE_FORMS[:3]
    if low in DO_FORMS:
        return DO_FORMS
    forms: list[str] = []
    for tag in VERB_TAGS:
        forms.extend(getInflection(token.lemma_.lower(), tag) or ())
    return tuple(dict.fromkeys(forms))


def _known(token: Token) -> bool:
    """A common English word (a misspelled one is the live pass's: no inflection fixes it)."""
    return token.is_alpha and zipf_frequency(token.lower_, "en") >= KNOWN_ZIPF


def _verbs(doc: Doc) -> Iterator[Edit]:
    for token in doc:
        if token.pos_ not in {"VERB", "AUX"} or not token.tag_.startswith("VB"):
            continue
        if token.lower_ in MODALS or not _known(token):
            continue
        for form in _verb_forms(token):
            yield _replace(token, form, EditKind.VERB_FORM)


def _nouns(doc: Doc) -> Iterator[Edit]:
    for token in doc:
        if token.pos_ != "NOUN" or not _known(token) or token.tag_ not in {"NN", "NNS"}:
            continue
        other = "NNS" if token.tag_ == "NN" else "NN"
        for form in getInflection(token.lemma_.lower(), other) or ():
            yield _replace(token, form, EditKind.NOUN_NUMBER)
