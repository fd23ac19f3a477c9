"""What the tutor's routes take and give."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from ailingva.core.db import DbId
from ailingva.core.inputs import JsonBody
from ailingva.core.text import CleanText
from ailingva.lessons.schemas import Correction

MAX_MESSAGE_CHARS = 1000

MessageText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_MESSAGE_CHARS),
    CleanText,
]


class TutorMessage(JsonBody):
    text: MessageText
    lesson_id: DbId | None = None
    speak: bool = False


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


class WaitingEvent(BaseModel):
    """The machine's models answer `ahead` other students first; this message is next."""

    type: Literal["waiting"] = "waiting"
    ahead: int


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


StreamEvent = (
    LessonEvent | WaitingEvent | CorrectionsEvent | DeltaEvent | AudioEvent | ErrorEvent | DoneEvent
)
