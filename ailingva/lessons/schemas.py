"""What the lesson routes give: a lesson, a page of lessons, a lesson with its conversation,
and the corrections its turns carry."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ailingva.grammar.findings import Category
from ailingva.lessons.models import LessonStatus, TurnRole


class Correction(BaseModel):
    """One mistake: `original` at [start, end) of the student's text, and its fix."""

    # Read from a grammar Finding, or from a stored turn's JSON.
    model_config = ConfigDict(from_attributes=True)

    original: str
    correction: str
    category: Category
    explanation: str = Field(description="Short explanation in Russian")
    start: int
    end: int
    uncertain: bool = Field(
        default=False,
        description="Speech-to-text was unsure of these words: ask the student, do not correct",
    )


class LessonPublic(BaseModel):
    id: int
    number: int
    status: LessonStatus
    started_at: datetime
    ended_at: datetime | None
    turn_count: int
    xp_earned: int
    summary: dict[str, Any] | None


class LessonList(BaseModel):
    items: list[LessonPublic]
    total: int


class TurnPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    seq: int
    role: TurnRole
    text: str
    corrections: list[Correction]
    timings: dict[str, float]
    interrupted: bool
    created_at: datetime


class LessonDetail(LessonPublic):
    turns: list[TurnPublic]
