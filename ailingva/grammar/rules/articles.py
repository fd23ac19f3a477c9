"""Article rules: a missing a/an before a countable noun, the before names that take it."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc

from ailingva.grammar.findings import Category, Finding
from ailingva.grammar.lexicon import is_countable
from ailingva.grammar.tokens import finding_over, next_token, prev_token, subject_of

# Singular nouns used without an article after have/be in correct English.
ARTICLE_FREE = frozenset(
    {"time", "fun", "lunch", "breakfast", "dinner", "supper", "part", "use", "access", "home"}
    | {"work", "school", "english", "trouble", "luck", "bed", "birthday", "class", "sex", "kind"}
    | {"sort", "type", "fault", "turn", "way", "plenty", "lot", "chance", "place"}
    | {"summer", "winter", "spring", "autumn", "fall", "family"}
)
NO_ARTICLE_DEPS = frozenset({"det", "poss", "nummod", "predet", "quantmod", "neg"})
# Words that already quantify a noun phrase, so it needs no article ("such", "more", "little").
QUANTIFYING_WORDS = frozenset({"such", "several", "little", "much", "more", "most", "enough"})
PERSON_SUBJECTS = frozenset({"i", "you", "he", "she", "we", "they", "it", "this", "that"})

# Spelled with a consonant or a vowel, said with the other sound (an hour, a university).
VOWEL_SOUND_EXCEPTIONS = ("hour", "honest", "honour", "honor", "heir")
CONSONANT_SOUND_EXCEPTIONS = ("uni", "use", "usu", "uti", "eu", "one", "once", "ur")


def indefinite_article(word: str) -> str:
    """a or an before `word`, by its first sound as spelled."""
    low = word.lower()
    if low.startswith(VOWEL_SOUND_EXCEPTIONS):
        return "an"
    if low.startswith(CONSONANT_SOUND_EXCEPTIONS):
        return "a"
    return "an" if low[:1] in "aeiou" else "a"


def missing_article(doc: Doc) -> Iterator[Finding]:
    """He is teacher -> He is a teacher; I have car -> I have a car."""
    for noun in doc:
        head = noun.head
        be_attr = noun.dep_ == "attr" and head.lemma_ == "be"
        have_obj = noun.dep_ == "dobj" and head.lemma_ == "have" and head.pos_ == "VERB"
        if noun.tag_ != "NN" or not (be_attr or have_obj) or head.i > noun.i:
            continue
        if not noun.text.islower() or noun.lower_ in ARTICLE_FREE or not is_countable(noun.lower_):
            continue
        subject = subject_of(head)
        if subject is None or subject.lower_ not in PERSON_SUBJECTS:
            continue
        if any(c.dep_ in NO_ARTICLE_DEPS for c in noun.lefts) or any(
            c.dep_ in {"prep", "relcl"} for c in noun.rights
        ):
            continue
        phrase = doc[noun.left_edge.i : noun.i + 1]
        first = phrase[0]
        if any(t.lower_ in QUANTIFYING_WORDS or t.tag_ in {"JJS", "JJR", "CD"} for t in phrase):
            continue
        if not all(t.pos_ in {"ADJ", "NOUN", "ADV"} and t.is_alpha for t in phrase):
            continue
        correction = f"{indefinite_article(first.text)} {first.text}"
        yield finding_over(
            doc, first, first, correction, Category.ARTICLES, "missing_article", noun=noun.text
        )


# Names that take "the": the USA, the UK, the Middle East, the Internet.
THE_NAMES = frozenset({"usa", "uk", "uae", "netherlands", "philippines", "internet"})
THE_PHRASES = frozenset({("middle", "east"), ("united", "states"), ("united", "kingdom")})
# "the" is already there, or the first word is part of a longer name ("Southern Middle East").
THE_PHRASES_BEFORE = frozenset({"the", "south", "north", "east", "west", "greater"})


def missing_the_with_name(doc: Doc) -> Iterator[Finding]:
    """in USA -> in the USA; on Internet -> on the Internet; Middle East -> the Middle East."""
    for tok in doc:
        nxt = next_token(doc, tok)
        named = tok.lower_ in THE_NAMES or (
            nxt is not None and (tok.lower_, nxt.lower_) in THE_PHRASES
        )
        prev = prev_token(doc, tok)
        if not named or (prev is not None and prev.lower_ in THE_PHRASES_BEFORE):
            continue
        if prev is not None and (prev.dep_ in {"det", "poss"} or prev.tag_ in {"DT", "PRP$"}):
            continue
        if tok.dep_ == "compound" or (
            tok.lower_ == "internet" and (prev is None or prev.pos_ != "ADP")
        ):
            continue  # "UK residents", "Internet access": a modifier, no article
        correction = f"{'The' if tok.i == tok.sent.start else 'the'} {tok.text}"
        yield finding_over(
            doc, tok, tok, correction, Category.ARTICLES, "the_with_name", name=tok.text
        )
