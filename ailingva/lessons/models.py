"""Lessons and their turns: one model for both pipelines.

A lesson is numbered per student (lesson 1, 2, 3 ...). Every turn records which pipeline
produced it: STREAMING (the live conversation, student and tutor) or ANALYSIS (the brain's
reading of a student turn).
"""

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, Relationship, SQLModel

from ailingva.core.db import JSONType, UTCDateTime, created_at_field, enum_type


class LessonStatus(StrEnum):
    ACTIVE = "active"
    ENDED = "ended"


class Pipeline(StrEnum):
    STREAMING = "streaming"
    ANALYSIS = "analysis"


class TurnRole(StrEnum):
    STUDENT = "student"
    TUTOR = "tutor"
    BRAIN = "brain"


STUDENT_LIVE_TURN = "pipeline = 'streaming' AND role = 'student'"


class Lesson(SQLModel, table=True):
    __tablename__ = "lesson"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "number", name="uq_lesson_user_number"),
        # The sweep's question: which open lessons have not been used for a while.
        sa.Index("ix_lesson_status_last_active_at", "status", "last_active_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE", index=True)
    number: int = Field(ge=1)
    topic: str | None = Field(default=None, max_length=200)
    status: LessonStatus = Field(default=LessonStatus.ACTIVE, sa_type=enum_type(LessonStatus))
    started_at: datetime = created_at_field()
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The student's last use of the lesson (started, joined, a turn, a minute of a voice
    # session): a lesson unused for IDLE_MINUTES ends on its own (lessons.service).
    last_active_at: datetime = created_at_field()
    # Written when the lesson ends: practised and new words, grammar notes, XP.
    summary: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
    xp_earned: int = Field(default=0, ge=0)

    turns: list["LessonTurn"] = Relationship(
        back_populates="lesson",
        sa_relationship_kwargs={"cascade": "all, delete-orphan", "order_by": "LessonTurn.seq"},
    )


class LessonTurn(SQLModel, table=True):
    __tablename__ = "lesson_turn"
    __table_args__ = (
        sa.UniqueConstraint("lesson_id", "seq", name="uq_lesson_turn_lesson_seq"),
        sa.Index("ix_lesson_turn_pipeline_created", "pipeline", "created_at"),
        # The admin's analytics of what students said, by day: on PostgreSQL an index-only scan.
        sa.Index(
            "ix_lesson_turn_student_created",
            "created_at",
            postgresql_include=["lesson_id", "corrections"],
            postgresql_where=sa.text(STUDENT_LIVE_TURN),
            sqlite_where=sa.text(STUDENT_LIVE_TURN),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    lesson_id: int = Field(foreign_key="lesson.id", ondelete="CASCADE", index=True)
    seq: int = Field(ge=1)
    role: TurnRole = Field(sa_type=enum_type(TurnRole))
    pipeline: Pipeline = Field(sa_type=enum_type(Pipeline))
    # The ANALYSIS turn that reads a student turn points back at it.
    source_turn_id: int | None = Field(
        default=None, foreign_key="lesson_turn.id", ondelete="SET NULL", index=True
    )
    text: str = Field(default="", sa_type=sa.Text)
    # A student turn: the message the model was given (the words and that turn's notes). Later
    # prompts repeat it exactly, so the model's cached prefix still holds.
    prompt_text: str | None = Field(default=None, sa_type=sa.Text)
    # [{original, correction, category, explanation, start, end}]
    corrections: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONType)
    # Per-stage milliseconds: stt, llm_first_token, first_audio, end_to_first_audio ...
    timings: dict[str, float] = Field(default_factory=dict, sa_type=JSONType)
    audio_ms: int | None = Field(default=None, ge=0)
    # The engines that served the turn, by capability: {"stt": name} on a spoken student turn,
    # {"llm": name, "tts": name} on the tutor's (tts only when the reply was spoken).
    providers: dict[str, str] = Field(default_factory=dict, sa_type=JSONType)
    # A spoken student turn: what speech-to-text heard without confidence (whole phrases or
    # words); the brain does not count those words as the student's.
    uncertain_text: list[str] = Field(default_factory=list, sa_type=JSONType)
    # A tutor turn cut short by barge-in holds only what was played.
    interrupted: bool = Field(default=False)
    created_at: datetime = created_at_field()

    lesson: Lesson = Relationship(back_populates="turns")
