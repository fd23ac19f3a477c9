"""XP and streaks, credited once per lesson by `award_lesson`. Never commits.

XP
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

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlmodel import Session

from ailingva.learning.models import LearningState

STUDY_TZ = timezone(timedelta(hours=3), "MSK")
LESSON_XP = 10
TURN_XP = 2
CLEAN_TURN_XP = 1
MIN_TURN_WORDS = 3
MAX_XP_TURNS = 30
REVIEW_XP = 5
STREAK_XP = 2
MAX_STREAK_BONUS = 14


def study_day(moment: datetime) -> date:
    return moment.astimezone(STUDY_TZ).date()


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
    level: str,
) -> tuple[LearningState, LessonXp]:
    """Credit one lesson to the student (once per lesson): its XP and, when the student spoke in
    it (`turn_words`: English words per student turn), the streak day and level.
    The one place that updates a student's LearningState."""
    state = db.get(LearningState, user_id)
    if state is None:
        state = LearningState(user_id=user_id)
        db.add(state)
    if turn_words:
        _update_streak(state, study_day(ended_at))
        state.lessons_completed += 1
        state.level_estimate = level
    xp = lesson_xp(
        turn_words=turn_words,
        clean_turns=clean_turns,
        good_reviews=good_reviews,
        streak_days=state.streak_days,
    )
    state.xp += xp.total
    return state, xp
