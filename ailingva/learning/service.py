"""Words (weak and known, FSRS review), XP and streaks. Never commits.

Words
- A word is WEAK when the student was corrected on it, misused it, or asked for it in Russian
  ("как сказать …"). A weak word gets an FSRS card; its first review is due a minute later, so the
  tutor brings it back soon. When a later student turn uses a DUE weak word correctly, the card is
  reviewed with Rating.Good; any wrong use (inside a finding) reviews it with Rating.Again. A weak
  word whose stability reaches MASTERED_STABILITY_DAYS is KNOWN ("mastered").
- A word the student used correctly in at least KNOWN_AFTER_LESSONS different lessons is KNOWN.

XP (per lesson, written by `award_lesson`)
- LESSON_XP for a lesson with at least one student turn (an empty lesson earns nothing);
- TURN_XP per student turn with at least MIN_TURN_WORDS English words (at most MAX_XP_TURNS turns),
  plus CLEAN_TURN_XP when the analysis found no error in it;
- REVIEW_XP per weak word the student used correctly when it was due;
- a streak bonus: STREAK_XP per day of the current streak, at most MAX_STREAK_BONUS.

Streak: a day (Moscow time, where most students live) counts when a lesson with at least one
student turn ends on it. A lesson the day after the last active day adds one; a gap of a day or
more starts again at 1; more lessons on the same day change nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from fsrs import Card, Rating, Scheduler
from sqlmodel import Session, col, func, select

from ailingva.learning.models import LearningState, StudentWord, WordStatus, WordUse

STUDY_TZ = timezone(timedelta(hours=3), "MSK")
KNOWN_AFTER_LESSONS = 2
MASTERED_STABILITY_DAYS = 7.0
MAX_WORD_CHARS = 64

LESSON_XP = 10
TURN_XP = 2
CLEAN_TURN_XP = 1
MIN_TURN_WORDS = 3
MAX_XP_TURNS = 30
REVIEW_XP = 5
STREAK_XP = 2
MAX_STREAK_BONUS = 14

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


def study_day(moment: datetime) -> date:
    return moment.astimezone(STUDY_TZ).date()


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


def lesson_words(db: Session, *, user_id: int, lesson_id: int) -> tuple[list[str], list[str]]:
    """(practised, new): words used correctly in the lesson, most used first, and those of them
    the student had never used correctly before this lesson."""
    uses = db.exec(
        select(WordUse)
        .where(WordUse.user_id == user_id, WordUse.lesson_id == lesson_id)
        .order_by(col(WordUse.uses).desc(), col(WordUse.word))
    ).all()
    practised = [u.word for u in uses]
    if not practised:
        return [], []
    earlier = set(
        db.exec(
            select(WordUse.word).where(
                WordUse.user_id == user_id,
                col(WordUse.lesson_id) < lesson_id,  # lessons are numbered in time order
                col(WordUse.word).in_(practised),
            )
        ).all()
    )
    return practised, [w for w in practised if w not in earlier]


def vocabulary(db: Session, user_id: int) -> list[str]:
    """Every distinct word the student has used correctly."""
    return list(db.exec(select(WordUse.word).where(WordUse.user_id == user_id).distinct()).all())


# --- XP and streak ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LessonXp:
    total: int
    breakdown: dict[str, int]

    def as_json(self) -> dict[str, Any]:
        return {"total": self.total, "breakdown": self.breakdown}


def _update_streak(state: LearningState, day: date) -> None:
    last = state.last_active_on
    if last == day:
        return
    if last is not None and day < last:
        return  # a late summary of an older lesson does not move the streak backwards
    state.streak_days = state.streak_days + 1 if last == day - timedelta(days=1) else 1
    state.longest_streak_days = max(state.longest_streak_days, state.streak_days)
    state.last_active_on = day


def lesson_xp(
    *, turn_words: list[int], clean_turns: int, good_reviews: int, streak_days: int
) -> LessonXp:
    """XP for one lesson (rules in the module docstring)."""
    if not turn_words:
        return LessonXp(0, {})
    counted = [n for n in turn_words if n >= MIN_TURN_WORDS][:MAX_XP_TURNS]
    breakdown = {
        "lesson": LESSON_XP,
        "turns": TURN_XP * len(counted),
        "clean_turns": CLEAN_TURN_XP * min(clean_turns, len(counted)),
        "reviews": REVIEW_XP * good_reviews,
        "streak": min(MAX_STREAK_BONUS, STREAK_XP * streak_days),
    }
    return LessonXp(sum(breakdown.values()), breakdown)


def award_lesson(
    db: Session,
    user_id: int,
    *,
    ended_at: datetime,
    turn_words: list[int],
    clean_turns: int,
    good_reviews: int,
    speaking_seconds: int,
    level: str,
) -> tuple[LearningState, LessonXp]:
    """Credit one lesson to the student (once per lesson): its XP and, when the student spoke in
    it (`turn_words`: English words per student turn), the streak day, speaking time and level.
    The one place that updates a student's LearningState."""
    state = db.get(LearningState, user_id)
    if state is None:
        state = LearningState(user_id=user_id)
        db.add(state)
    if turn_words:
        _update_streak(state, study_day(ended_at))
        state.lessons_completed += 1
        state.speaking_seconds += speaking_seconds
        state.level_estimate = level
    xp = lesson_xp(
        turn_words=turn_words,
        clean_turns=clean_turns,
        good_reviews=good_reviews,
        streak_days=state.streak_days,
    )
    state.xp += xp.total
    return state, xp
