"""Word lists and inflection helpers the rules share."""

from __future__ import annotations

from functools import lru_cache

from lemminflect import getInflection, getLemma
from wordfreq import zipf_frequency

SUBJECT_PRONOUNS = frozenset({"i", "you", "he", "she", "it", "we", "they"})
THIRD_SINGULAR_PRONOUNS = frozenset({"he", "she", "it"})
OBJECT_PRONOUNS = frozenset({"me", "him", "her", "us", "them"})
MODALS = frozenset({"can", "could", "will", "would", "shall", "should", "must", "may", "might"})
NEGATIONS = frozenset({"not", "n't"})
# Adverbs that may stand between an auxiliary and its verb without changing the rule.
MID_ADVERBS = frozenset({"not", "n't", "never", "already", "just", "ever", "also", "really"})
DAY_NAMES = frozenset(
    {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
)

# Nouns that have no plural and take no a/an in the sense a learner means.
UNCOUNTABLE = frozenset(
    {
        "information",
        "advice",
        "furniture",
        "luggage",
        "baggage",
        "equipment",
        "homework",
        "feedback",
        "software",
        "evidence",
        "news",
        "weather",
        "progress",
        "traffic",
        "money",
        "knowledge",
        "research",
    }
)
UNCOUNTABLE_PLURALS = {f"{noun}s": noun for noun in UNCOUNTABLE if not noun.endswith("s")}
# Plural subjects that do not end in -s, so the tagger alone is not trusted with them.
PLURAL_NOUNS = frozenset({"people", "children", "men", "women", "police"})


def inflect(lemma: str, tag: str) -> str:
    """The form of `lemma` for a Penn tag; the lemma itself when lemminflect has none."""
    if lemma == "be":
        return {"VBZ": "is", "VBP": "are", "VBD": "was", "VBN": "been"}.get(tag, "be")
    forms = getInflection(lemma, tag)
    return str(forms[0]) if forms else lemma


@lru_cache(maxsize=4096)
def verb_lemma(word: str) -> str:
    """The verb lemma of a word form, including regularised forms such as "buyed"."""
    lemmas = getLemma(word.lower(), "VERB")
    return str(lemmas[0]) if lemmas else word.lower()


@lru_cache(maxsize=4096)
def is_countable(noun: str) -> bool:
    """Whether a singular noun is used in the plural often enough to be countable."""
    if noun in UNCOUNTABLE:
        return False
    plurals = getInflection(noun, "NNS")
    if not plurals or plurals[0] == noun:
        return False
    return zipf_frequency(str(plurals[0]), "en") >= max(2.5, zipf_frequency(noun, "en") - 1.0)


def match_case(word: str, model: str) -> str:
    """`word` capitalised like `model` (sentence-initial words keep their capital)."""
    return word[:1].upper() + word[1:] if model[:1].isupper() else word
