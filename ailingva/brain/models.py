"""What the ANALYSIS pipeline writes: events, knowledge snapshots and the tutor's rules."""

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from ailingva.core.db import JSONType, UTCDateTime, created_at_field, enum_type
from ailingva.lessons.models import LessonTurn


class BrainEventKind(StrEnum):
    ERROR_DETECTED = "error_detected"
    WEAK_WORD = "weak_word"
    WORD_MASTERED = "word_mastered"
    GRAMMAR_PATTERN = "grammar_pattern"
    RULE_CREATED = "rule_created"
    RULE_RETIRED = "rule_retired"
    LEVEL_ESTIMATE = "level_estimate"


# Adds one event of the turn under analysis (its user, lesson, turn and time are the caller's).
RecordEvent = Callable[[BrainEventKind, dict[str, Any]], None]


class BrainEvent(SQLModel, table=True):
    __tablename__ = "brain_event"
    __table_args__ = (sa.Index("ix_brain_event_user_created", "user_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE")
    lesson_id: int | None = Field(
        default=None, foreign_key="lesson.id", ondelete="CASCADE", index=True
    )
    turn_id: int | None = Field(
        default=None, foreign_key="lesson_turn.id", ondelete="CASCADE", index=True
    )
    kind: BrainEventKind = Field(sa_type=enum_type(BrainEventKind), index=True)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    created_at: datetime = created_at_field()


class KnowledgeSnapshot(SQLModel, table=True):
    """The student's knowledge as measured after a lesson."""

    __tablename__ = "knowledge_snapshot"
    __table_args__ = (sa.Index("ix_knowledge_snapshot_user_created", "user_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE")
    lesson_id: int | None = Field(default=None, foreign_key="lesson.id", ondelete="SET NULL")
    level: str = Field(max_length=2)
    vocabulary_size: int = Field(default=0, ge=0)
    error_rate: float = Field(default=0.0, ge=0)
    mean_utterance_words: float = Field(default=0.0, ge=0)
    metrics: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    created_at: datetime = created_at_field()


class RuleStatus(StrEnum):
    ACTIVE = "active"
    RETIRED = "retired"


class TutorRule(SQLModel, table=True):
    """An instruction the tutor follows for one student, born from a pattern of errors."""

    __tablename__ = "tutor_rule"
    __table_args__ = (sa.Index("ix_tutor_rule_user_status", "user_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE")
    pattern: str = Field(max_length=64)  # e.g. the error category that gave rise to it
    instruction: str = Field(sa_type=sa.Text)
    priority: int = Field(default=0)
    status: RuleStatus = Field(default=RuleStatus.ACTIVE, sa_type=enum_type(RuleStatus))
    evidence_count: int = Field(default=0, ge=0)
    created_at: datetime = created_at_field()
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    retired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


# One analysis per student turn: the ANALYSIS turn (source_turn_id = the student turn) is the
# brain's idempotency marker, so a job run twice, or retried after a crash, cannot add a second.
# Partial, so that other pipelines may point at a source turn too.
_ANALYSIS_ONLY = sa.text("pipeline = 'analysis'")
sa.Index(
    "uq_lesson_turn_analysis_source",
    LessonTurn.__table__.c.source_turn_id,  # type: ignore[attr-defined]
    unique=True,
    sqlite_where=_ANALYSIS_ONLY,
    postgresql_where=_ANALYSIS_ONLY,
)
