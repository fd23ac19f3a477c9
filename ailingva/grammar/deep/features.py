"""What the classifier knows about one candidate edit: the language model's verdict, the bigram
counts, the kind of edit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from ailingva.grammar.deep.bigrams import log_count
from ailingva.grammar.deep.candidates import Edit, EditKind

KINDS = tuple(EditKind)


@dataclass
class EditScores:
    """The model's view of one edit (log-probabilities, natural log)."""

    edit: Edit
    site_min: float  # the lowest log-probability of the original's tokens around the edit
    first_gain: float = 0.0  # log p of the edit's first word minus the original's, at the site
    first_new: float = 0.0  # log p of the edit's first word at the site
    first_old: float = 0.0  # log p of the original's first word there
    scored: bool = False  # False: the site looked fine to the model and was not re-scored
    delta: float = 0.0  # window log-probability, edited minus original
    delta_after: float = 0.0  # the same without the edit's own tokens (its cost left out)
    delta_near: float = 0.0  # delta up to the first word after the edit only
    margin: float = 0.0  # delta minus the best other candidate's delta at the same site
    bigram_gain: float = 0.0  # mean log10 bigram count, edited minus original
    orig_unseen: bool = False  # a bigram of the original has count 0
    new_unseen: bool = False  # a bigram of the edited text has count 0


FEATURE_NAMES: tuple[str, ...] = (
    *(f"kind:{k}" for k in KINDS),
    *(f"delta:{k}" for k in KINDS),
    *(f"after:{k}" for k in KINDS),
    "margin",
    "first_gain",
    "first_new",
    "first_old",
    "delta_near",
    "site_min",
    "bigram_gain",
    "orig_unseen",
    "new_unseen",
)


def vector(s: EditScores) -> list[float]:
    """The features in FEATURE_NAMES order."""
    kind = [1.0 if s.edit.kind == k else 0.0 for k in KINDS]
    return [
        *kind,
        *(s.delta * k for k in kind),
        *(s.delta_after * k for k in kind),
        s.margin,
        s.first_gain,
        s.first_new,
        s.first_old,
        s.delta_near,
        s.site_min,
        s.bigram_gain,
        float(s.orig_unseen),
        float(s.new_unseen),
    ]


def _words_around(text: str, edit: Edit) -> tuple[str, list[str], list[str], str]:
    left = text[: edit.start].split()
    right = text[edit.end :].split()
    strip = '.,!?;:"()'
    before = left[-1].strip(strip) if left and not text[: edit.start].endswith(tuple(strip)) else ""
    after = right[0].strip(strip) if right else ""
    return before, edit.original.split(), edit.replacement.split(), after


def add_bigrams(text: str, s: EditScores) -> None:
    """Fill the bigram features of `s` from the words around its edit."""
    before, old, new, after = _words_around(text, s.edit)

    def pairs(words: Sequence[str]) -> list[float]:
        seq = [w for w in (before, *words, after) if w]
        return [log_count(a, b) for a, b in pairwise(seq)]

    old_counts, new_counts = pairs(old), pairs(new)
    mean_old = sum(old_counts) / len(old_counts) if old_counts else 0.0
    mean_new = sum(new_counts) / len(new_counts) if new_counts else 0.0
    s.bigram_gain = mean_new - mean_old
    s.orig_unseen = any(c == 0.0 for c in old_counts)
    s.new_unseen = any(c == 0.0 for c in new_counts)
