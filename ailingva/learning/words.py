"""The student's words: weak (FSRS review) and known. Never commits.

- A word is WEAK when the student was corrected on it, misused it, or asked for it in Russian
  ("как сказать …"). A weak word gets an FSRS card; its first review is due a minute later, so the
  tutor brings it back soon. When a later student turn uses a DUE weak word correctly, the card is
  reviewed with Rating.Good; any wrong use (inside a finding) reviews it with Rating.Again. A weak
  word whose stability reaches MASTERED_STABILITY_DAYS is KNOWN ("mastered").
- A word the student used correctly in at least KNOWN_AFTER_LESSONS different lessons is KNOWN.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from fsrs import Card, Rating, Scheduler
from sqlmodel import Session, col, func, select

from ailingva.learning.models import StudentWord, WordStatus, WordUse

KNOWN_AFTER_LESSONS = 2
MASTERED_STABILITY_DAYS = 7.0
MAX_WORD_CHARS = 64

_WORD_RE = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
# Function words: never weak or known words on their own (grammar patterns cover them).
STOPWORDS = frozenset(
    """a an the and or but if so as at by for from in into of on onto to with without about
    over under up down out off than then too very just also not no yes i me my mine you your
    yours he him his she her hers it its we us our ours they them their theirs this that these
    those there here is am are was were be been being do does did done have has had having will
    would shall should can could may might must what which who whom whose when where why how
    all any some each every both either neither one ok okay oh um uh hmm well s t d ll re ve m
    i'm it's don't doesn't didn't can't won't isn't aren't wasn't weren't i've i'll i'd you're
    that's there's let's""".split()  # noqa: SIM905 (a list of 140 words reads better this way)
)

_scheduler = Scheduler(enable_fuzzing=False)


@dataclass(frozen=True)
class Token:
    word: str  # lower case
    start: int
    end: int


def tokens(text: str) -> list[Token]:
    return [
        Token(m.group().lower().replace("’", "'"), m.start(), m.end())
        for m in _WORD_RE.finditer(text)
    ]


def is_content_word(word: str) -> bool:
    return len(word) >= 2 and len(word) <= MAX_WORD_CHARS and word not in STOPWORDS


# --- weak words and FSRS ---------------------------------------------------------------------


def _card(word: StudentWord) -> Card:
    return Card.from_dict(word.review_card) if word.review_card else Card()  # type: ignore[arg-type]


def _store_card(word: StudentWord, card: Card) -> None:
    word.review_card = dict(card.to_dict())
    word.due_at = card.due.astimezone(UTC)


def find_word(db: Session, user_id: int, word: str) -> StudentWord | None:
    return db.exec(
        select(StudentWord).where(StudentWord.user_id == user_id, StudentWord.word == word)
    ).first()


def mark_weak(db: Session, *, user_id: int, word: str, now: datetime) -> StudentWord | None:
    """Make `word` weak (new, known again or already weak); returns it unless it cannot be stored.

    A word that was already weak is reviewed with Again: the student stumbled on it again.
    """
    word = word.lower()
    if not is_content_word(word):
        return None
    row = find_word(db, user_id, word)
    if row is None:
        row = StudentWord(user_id=user_id, word=word, status=WordStatus.WEAK)
        db.add(row)
    row.status = WordStatus.WEAK
    row.times_wrong += 1
    row.last_seen_at = now
    card, _ = _scheduler.review_card(_card(row), Rating.Again, review_datetime=now)
    _store_card(row, card)
    return row


def review(word: StudentWord, rating: Rating, *, now: datetime) -> bool:
    """Grade one use of a weak word; returns True when the word is now mastered (KNOWN)."""
    card, _ = _scheduler.review_card(_card(word), rating, review_datetime=now)
    _store_card(word, card)
    word.last_seen_at = now
    word.times_used += 1
    if rating == Rating.Again:
        word.times_wrong += 1
        return False
    word.times_correct += 1
    if (card.stability or 0.0) >= MASTERED_STABILITY_DAYS:
        word.status = WordStatus.KNOWN
        word.due_at = None
        return True
    return False


def weak_words_in(db: Session, user_id: int, words: Iterable[str]) -> list[StudentWord]:
    wanted = sorted(set(words))
    if not wanted:
        return []
    return list(
        db.exec(
            select(StudentWord).where(
                StudentWord.user_id == user_id,
                StudentWord.status == WordStatus.WEAK,
                col(StudentWord.word).in_(wanted),
            )
        ).all()
    )


def is_due(word: StudentWord, now: datetime) -> bool:
    return word.due_at is not None and word.due_at <= now


def due_review_words(db: Session, user_id: int, *, now: datetime, limit: int) -> list[str]:
    """Weak words due for review, the longest overdue first."""
    return list(
        db.exec(
            select(StudentWord.word)
            .where(
                StudentWord.user_id == user_id,
                StudentWord.status == WordStatus.WEAK,
                col(StudentWord.due_at).is_not(None),
                col(StudentWord.due_at) <= now,
            )
            .order_by(col(StudentWord.due_at), col(StudentWord.id))
            .limit(limit)
        ).all()
    )


# --- correct use and known words -------------------------------------------------------------


def record_correct_uses(
    db: Session, *, user_id: int, lesson_id: int, words: Iterable[str], now: datetime
) -> list[str]:
    """Count correct uses of content words in this lesson; returns the words that became KNOWN."""
    counts: dict[str, int] = {}
    for word in words:
        if is_content_word(word):
            counts[word] = counts.get(word, 0) + 1
    if not counts:
        return []
    existing = {
        use.word: use
        for use in db.exec(
            select(WordUse).where(
                WordUse.user_id == user_id,
                WordUse.lesson_id == lesson_id,
                col(WordUse.word).in_(sorted(counts)),
            )
        ).all()
    }
    for word, n in counts.items():
        if word in existing:
            existing[word].uses += n
        else:
            db.add(WordUse(user_id=user_id, word=word, lesson_id=lesson_id, uses=n, created_at=now))
    db.flush()
    lessons_per_word = dict(
        db.exec(
            select(WordUse.word, func.count(col(WordUse.lesson_id).distinct()))
            .where(WordUse.user_id == user_id, col(WordUse.word).in_(sorted(counts)))
            .group_by(col(WordUse.word))
        ).all()
    )
    tracked = {
        w.word: w
        for w in db.exec(
            select(StudentWord).where(
                StudentWord.user_id == user_id, col(StudentWord.word).in_(sorted(counts))
            )
        ).all()
    }
    newly_known = []
    for word, n in counts.items():
        row = tracked.get(word)
        if row is not None:
            if row.status == WordStatus.KNOWN:
                row.times_used += n
                row.times_correct += n
                row.last_seen_at = now
            continue  # a weak word is graded by review(), not promoted by use alone
        if lessons_per_word.get(word, 0) >= KNOWN_AFTER_LESSONS:
            db.add(
                StudentWord(
                    user_id=user_id,
                    word=word,
                    status=WordStatus.KNOWN,
                    times_used=n,
                    times_correct=n,
                    last_seen_at=now,
                )
            )
            newly_known.append(word)
    return newly_known


def practised_words(db: Session, *, user_id: int, lesson_id: int) -> list[str]:
    """The words used correctly in the lesson, most used first (`new_words.lesson_new_words`
    says which of them were new)."""
    return list(
        db.exec(
            select(WordUse.word)
            .where(WordUse.user_id == user_id, WordUse.lesson_id == lesson_id)
            .order_by(col(WordUse.uses).desc(), col(WordUse.word))
        ).all()
    )


def vocabulary(db: Session, user_id: int) -> list[str]:
    """Every distinct word the student has used correctly."""
    return list(db.exec(select(WordUse.word).where(WordUse.user_id == user_id).distinct()).all())
