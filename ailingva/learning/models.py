"""What the student knows: XP and streaks, and the words they are weak in or know."""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from ailingva.core.db import JSONType, UTCDateTime, created_at_field, enum_type, updated_at_field


class LearningState(SQLModel, table=True):
    __tablename__ = "learning_state"

    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE", primary_key=True)
    xp: int = Field(default=0, ge=0)
    streak_days: int = Field(default=0, ge=0)
    longest_streak_days: int = Field(default=0, ge=0)
    last_active_on: date | None = None
    lessons_completed: int = Field(default=0, ge=0)
    level_estimate: str | None = Field(default=None, max_length=2)
    updated_at: datetime = updated_at_field()


class WordStatus(StrEnum):
    WEAK = "weak"  # misused, corrected or asked for: scheduled for review
    KNOWN = "known"  # used correctly across lessons


class StudentWord(SQLModel, table=True):
    __tablename__ = "student_word"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "word", name="uq_student_word_user_word"),
        sa.Index("ix_student_word_user_due", "user_id", "status", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE", index=True)
    word: str = Field(max_length=64)
    status: WordStatus = Field(sa_type=enum_type(WordStatus))
    times_used: int = Field(default=0, ge=0)
    times_correct: int = Field(default=0, ge=0)
    times_wrong: int = Field(default=0, ge=0)
    # The review scheduler's card (FSRS), as the scheduler serialises it.
    review_card: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_seen_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()


class WordUse(SQLModel, table=True):
    """A word the student used correctly in a lesson: one row per student, word and lesson.

    Known words are words used correctly in at least two lessons; the first lesson a word appears
    in is when the student "learned" it (the Progress page's words-over-time chart).
    """

    __tablename__ = "word_use"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "word", "lesson_id", name="uq_word_use_user_word_lesson"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE", index=True)
    word: str = Field(max_length=64)
    lesson_id: int = Field(foreign_key="lesson.id", ondelete="CASCADE", index=True)
    uses: int = Field(default=1, ge=1)
    created_at: datetime = created_at_field()
