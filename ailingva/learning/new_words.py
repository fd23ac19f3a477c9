"""New and learned words: the one definition the Progress page (tiles, chart, lesson cards),
the lesson summaries and the end-of-lesson card share. Read-only.

A word is NEW in a lesson when
- the student used it correctly in that lesson (a WordUse row: a content word outside the grammar
  findings, from a turn whose transcript was certain; see `brain/analysis.py`),
- and never in an earlier lesson (a word the student already knows is not new),
- and it is not one of the most common English words: neither the word nor its lemma has a
  wordfreq Zipf frequency of COMMON_ZIPF or more (about the 1,500 most frequent words: "go",
  "two", "likes" are not new to anyone learning English).
The student's LEARNED words are all their new words so far: each word counts once, in the lesson
of its first correct use, so the lessons' new words add up to the learned words.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache

from lemminflect import getAllLemmas
from sqlmodel import Session, col, func, select
from wordfreq import zipf_frequency

from ailingva.learning.models import WordUse
from ailingva.learning.words import practised_words

COMMON_ZIPF = 5.0


@lru_cache(maxsize=8192)
def is_common(word: str) -> bool:
    """One of the most common English words, in this form or its dictionary form."""
    forms = {word, *(lemma for lemmas in getAllLemmas(word).values() for lemma in lemmas)}
    return max(zipf_frequency(form, "en") for form in forms) >= COMMON_ZIPF


@dataclass(frozen=True)
class LearnedWord:
    word: str
    lesson_id: int  # the lesson it was new in


def _first_lessons(
    db: Session, user_id: int, words: Collection[str] | None = None
) -> dict[str, int]:
    """Each word's first lesson of correct use (lesson ids grow in the order lessons start)."""
    query = select(WordUse.word, func.min(WordUse.lesson_id)).where(WordUse.user_id == user_id)
    if words is not None:
        query = query.where(col(WordUse.word).in_(sorted(words)))
    return dict(db.exec(query.group_by(col(WordUse.word))).all())


def learned_words(db: Session, user_id: int) -> list[LearnedWord]:
    """Every word the student has learned, with the lesson it was new in."""
    return [
        LearnedWord(word, lesson_id)
        for word, lesson_id in sorted(_first_lessons(db, user_id).items())
        if not is_common(word)
    ]


def lesson_new_words(db: Session, user_id: int, lesson_id: int) -> list[str]:
    """The words that were new in one lesson, the most used first."""
    practised = practised_words(db, user_id=user_id, lesson_id=lesson_id)
    candidates = [w for w in practised if not is_common(w)]
    if not candidates:
        return []
    first = _first_lessons(db, user_id, candidates)
    return [w for w in candidates if first.get(w) == lesson_id]
