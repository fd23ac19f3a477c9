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


class RuleScope(StrEnum):
    """Whom a rule is for: every student, the students of one level, or one student."""

    ALL = "all"
    LEVEL = "level"
    STUDENT = "student"


class RuleSource(StrEnum):
    BRAIN = "brain"  # born from a pattern of the student's errors (brain/tutor_rules.py)
    ADMIN = "admin"  # written by an admin (admin/rules.py)


# A rule's trigger: an error category (grammar.findings.Category), or this, for every turn.
ALWAYS = "always"


class TutorRule(SQLModel, table=True):
    """An instruction for the tutor's prompt. The brain's are for one student, born from a
    pattern of errors (their trigger is its category); an admin's are for every student, a
    level or one student. A rule triggered by a category is in the prompt when the student has
    that weakness (the brain holds a rule of that category for them) or the turn has that
    error; an `always` rule, on every turn."""

    __tablename__ = "tutor_rule"
    __table_args__ = (
        sa.Index("ix_tutor_rule_user_status", "user_id", "status"),
        sa.Index("ix_tutor_rule_scope_level", "scope", "level"),
        sa.CheckConstraint(
            "(scope = 'student' AND user_id IS NOT NULL AND level IS NULL)"
            " OR (scope = 'level' AND user_id IS NULL AND level IS NOT NULL)"
            " OR (scope = 'all' AND user_id IS NULL AND level IS NULL)",
            name="scope_target",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    scope: RuleScope = Field(default=RuleScope.STUDENT, sa_type=enum_type(RuleScope))
    user_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="CASCADE")
    level: str | None = Field(default=None, max_length=2)
    trigger: str = Field(max_length=64)  # an error category, or ALWAYS
    instruction: str = Field(sa_type=sa.Text)
    priority: int = Field(default=0)
    status: RuleStatus = Field(default=RuleStatus.ACTIVE, sa_type=enum_type(RuleStatus))
    enabled: bool = Field(default=True)  # an admin's switch, for the brain's rules too
    source: RuleSource = Field(default=RuleSource.BRAIN, sa_type=enum_type(RuleSource))
    created_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
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
