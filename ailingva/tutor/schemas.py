"""What the tutor's routes take and give."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from ailingva.core.db import DbId
from ailingva.grammar.findings import Category, Finding
from ailingva.lessons.models import LessonStatus, TurnRole

MAX_MESSAGE_CHARS = 1000

MessageText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_MESSAGE_CHARS)
]


class TutorMessage(BaseModel):
    text: MessageText
    lesson_id: DbId | None = None
    speak: bool = False


class Correction(BaseModel):
    """One mistake: `original` at [start, end) of the student's text, and its fix."""

    original: str
    correction: str
    category: Category
    explanation: str = Field(description="Short explanation in Russian")
    start: int
    end: int

    @classmethod
    def of(cls, finding: Finding) -> Correction:
        return cls(
            original=finding.original,
            correction=finding.correction,
            category=finding.category,
            explanation=finding.explanation,
            start=finding.start,
            end=finding.end,
        )


class TutorReply(BaseModel):
    lesson_id: int
    lesson_number: int
    student_turn_id: int
    tutor_turn_id: int
    transcript: str | None = Field(
        default=None, description="What the speech recogniser heard (recordings only)"
    )
    reply: str
    corrections: list[Correction]
    audio_base64: str | None = Field(default=None, description="The reply spoken, as a WAV file")
    timings: dict[str, float] = Field(description="Milliseconds per stage")


# Lines of the streaming variant (application/x-ndjson), one JSON object each.
class LessonEvent(BaseModel):
    type: Literal["lesson"] = "lesson"
    lesson_id: int
    lesson_number: int


class CorrectionsEvent(BaseModel):
    type: Literal["corrections"] = "corrections"
    corrections: list[Correction]


class DeltaEvent(BaseModel):
    type: Literal["delta"] = "delta"
    text: str


class AudioEvent(BaseModel):
    type: Literal["audio"] = "audio"
    sentence: int
    wav_base64: str


class ErrorEvent(BaseModel):
    type: Literal["error"] = "error"
    code: str
    message: str


class DoneEvent(BaseModel):
    type: Literal["done"] = "done"
    result: TutorReply


StreamEvent = LessonEvent | CorrectionsEvent | DeltaEvent | AudioEvent | ErrorEvent | DoneEvent


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
