"""The Progress page: a read model over lessons, learning and the brain's events (read-only)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, func, select

from ailingva.billing.metering import charged_usages
from ailingva.billing.models import UsageSession
from ailingva.brain.models import BrainEvent, BrainEventKind
from ailingva.grammar.findings import Category
from ailingva.learning.models import LearningState, StudentWord, WordStatus
from ailingva.learning.new_words import LearnedWord, learned_words, lesson_new_words
from ailingva.learning.xp import study_day
from ailingva.lessons.models import Lesson, LessonTurn, TurnRole
from ailingva.progress.schemas import (
    DayCount,
    DayErrors,
    DayWords,
    LessonSummaryPublic,
    ProgressPublic,
    ProgressTotals,
    WeakWordPublic,
)

MAX_WEAK_WORDS = 50
RECENT_LESSONS = 10


def progress(db: Session, user_id: int, *, now: datetime, days: int) -> ProgressPublic:
    """The numbers agree with each other: the learned words are the lessons' new words added up
    (`learning/new_words.py`), the minutes are the voice minutes billed, by day and by lesson."""
    today = study_day(now)
    first_day = today - timedelta(days=days - 1)
    since = now - timedelta(days=days + 1)  # a margin for the time zone; days are cut below
    calendar = [first_day + timedelta(days=i) for i in range(days)]
    xp = _xp_by_day(db, user_id, since)
    errors = _errors_by_day(db, user_id, since)
    weak = db.exec(
        select(StudentWord)
        .where(StudentWord.user_id == user_id, StudentWord.status == WordStatus.WEAK)
        .order_by(col(StudentWord.due_at).asc().nulls_last(), col(StudentWord.word))
        .limit(MAX_WEAK_WORDS)
    ).all()
    recent = db.exec(
        select(Lesson)
        .where(Lesson.user_id == user_id)
        .order_by(col(Lesson.number).desc())
        .limit(RECENT_LESSONS)
    ).all()
    learned = learned_words(db, user_id)
    minutes = charged_usages(db, user_id)
    minutes_by_day: Counter[date] = Counter()
    for usage in minutes:
        minutes_by_day[study_day(usage.started_at)] += usage.minutes_charged
    return ProgressPublic(
        totals=_totals(db, user_id, today, learned=len(learned), minutes=minutes),
        days=days,
        xp_by_day=[DayCount(day=d, value=xp[d]) for d in calendar],
        minutes_by_day=[DayCount(day=d, value=minutes_by_day[d]) for d in calendar],
        errors_by_day=[
            DayErrors(day=d, total=errors[d].total(), by_category=dict(errors[d])) for d in calendar
        ],
        words_by_day=_words_by_day(db, user_id, learned, calendar),
        error_categories=[str(c) for c in Category],
        weak_words=[WeakWordPublic.model_validate(w, from_attributes=True) for w in weak],
        recent_lessons=[_lesson_summary(db, lesson, minutes) for lesson in recent],
    )


def _lesson_summary(db: Session, lesson: Lesson, usage: list[UsageSession]) -> LessonSummaryPublic:
    assert lesson.id is not None
    return LessonSummaryPublic.model_validate(
        lesson.model_dump()
        | {
            "new_words": lesson_new_words(db, lesson.user_id, lesson.id),
            "minutes": sum(u.minutes_charged for u in usage if u.lesson_id == lesson.id),
        }
    )


def _totals(
    db: Session, user_id: int, today: date, *, learned: int, minutes: list[UsageSession]
) -> ProgressTotals:
    # A student who has not finished a lesson yet has no stored state: the defaults are theirs.
    stored = db.get(LearningState, user_id) or LearningState(user_id=user_id)
    weak = db.exec(
        select(func.count()).where(
            StudentWord.user_id == user_id, StudentWord.status == WordStatus.WEAK
        )
    ).one()
    lessons = db.exec(select(func.count()).where(Lesson.user_id == user_id)).one()
    turns = db.exec(
        select(func.count())
        .select_from(LessonTurn)
        .join(Lesson, col(Lesson.id) == col(LessonTurn.lesson_id))
        .where(Lesson.user_id == user_id, LessonTurn.role == TurnRole.STUDENT)
    ).one()
    return ProgressTotals(
        lessons=lessons,
        turns=turns,
        minutes=sum(u.minutes_charged for u in minutes),
        xp=stored.xp,
        streak_days=_current_streak(stored.streak_days, stored.last_active_on, today),
        longest_streak_days=stored.longest_streak_days,
        level=stored.level_estimate,
        learned_words=learned,
        weak_words=weak,
    )


def _current_streak(streak: int, last_active: date | None, today: date) -> int:
    """A streak not continued yesterday or today is over (the stored number is kept until the
    next lesson)."""
    if last_active is None or last_active < today - timedelta(days=1):
        return 0
    return streak


def _xp_by_day(db: Session, user_id: int, since: datetime) -> Counter[date]:
    xp: Counter[date] = Counter()
    for ended_at, earned in db.exec(
        select(Lesson.ended_at, Lesson.xp_earned).where(
            Lesson.user_id == user_id, col(Lesson.ended_at) >= since, Lesson.xp_earned > 0
        )
    ).all():
        if ended_at is not None:
            xp[study_day(ended_at)] += earned
    return xp


def _errors_by_day(db: Session, user_id: int, since: datetime) -> defaultdict[date, Counter[str]]:
    """Error categories counted per study day."""
    errors: defaultdict[date, Counter[str]] = defaultdict(Counter)
    for created_at, payload in db.exec(
        select(BrainEvent.created_at, BrainEvent.payload).where(
            BrainEvent.user_id == user_id,
            BrainEvent.kind == BrainEventKind.ERROR_DETECTED,
            col(BrainEvent.created_at) >= since,
        )
    ).all():
        errors[study_day(created_at)][str(payload.get("category"))] += 1
    return errors


def _words_by_day(
    db: Session, user_id: int, learned: list[LearnedWord], calendar: list[date]
) -> list[DayWords]:
    """Words learned per day (on the day their lesson started, as its card says), with the
    running total of words learned so far."""
    started = dict(
        db.exec(select(Lesson.id, Lesson.started_at).where(Lesson.user_id == user_id)).all()
    )
    new_words = Counter(study_day(started[w.lesson_id]) for w in learned)
    running = sum(n for d, n in new_words.items() if d < calendar[0])
    words_by_day = []
    for day in calendar:
        running += new_words[day]
        words_by_day.append(DayWords(day=day, new_words=new_words[day], total=running))
    return words_by_day
