"""What the server sends on `/ws/voice` (docs/voice-protocol.md), one model per event type.

The front end's types are generated from these (they are components of the OpenAPI document).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from ailingva.lessons.schemas import Correction

SessionEndReason = Literal[
    "stopped", "balance_exhausted", "idle", "disconnected", "flood", "server_shutdown"
]


class SessionStarted(BaseModel):
    type: Literal["session_started"] = "session_started"
    protocol: int
    lesson_id: int
    lesson_number: int
    sample_rate: int = Field(description="Of the microphone audio expected")
    balance_kopecks: int
    minutes_left: int
    price_per_minute_kopecks: int


class SpeechStarted(BaseModel):
    """The student started speaking; while the tutor talks, a barge-in."""

    type: Literal["speech_started"] = "speech_started"


class SpeechStopped(BaseModel):
    """The turn is the tutor's."""

    type: Literal["speech_stopped"] = "speech_stopped"
    audio_ms: int


class PartialTranscript(BaseModel):
    """The words so far, while the student speaks."""

    type: Literal["transcript_partial"] = "transcript_partial"
    text: str


class NumberedEvent(BaseModel):
    """An event of one turn, made before the turn has its number: `turn` is set when it is sent
    (answer.Answer)."""


class TurnWaiting(NumberedEvent):
    """The machine is answering other students first; this turn is next after `ahead` of them
    (the page shows «Думаю…»)."""

    type: Literal["waiting"] = "waiting"
    turn: int = 0
    ahead: int


class TurnTranscript(NumberedEvent):
    type: Literal["transcript"] = "transcript"
    turn: int = 0
    text: str


class TurnCorrections(NumberedEvent):
    type: Literal["corrections"] = "corrections"
    turn: int = 0
    corrections: list[Correction]


class ReplyText(NumberedEvent):
    type: Literal["reply_delta"] = "reply_delta"
    turn: int = 0
    text: str


class ReplySentence(NumberedEvent):
    """The binary messages that follow are this sentence's speech."""

    type: Literal["reply_sentence"] = "reply_sentence"
    turn: int = 0
    sentence: int
    text: str
    sample_rate: int


class ReplyFinished(NumberedEvent):
    type: Literal["reply_done"] = "reply_done"
    turn: int = 0


class ReplyInterrupted(BaseModel):
    type: Literal["reply_interrupted"] = "reply_interrupted"
    turn: int
    played_text: str


class TurnCompleted(BaseModel):
    type: Literal["turn_completed"] = "turn_completed"
    turn: int
    lesson_id: int
    student_turn_id: int
    tutor_turn_id: int
    reply: str = Field(description="As stored")
    interrupted: bool
    timings: dict[str, float] = Field(description="Milliseconds per stage")


class BalanceCharged(BaseModel):
    """After each charged minute."""

    type: Literal["balance"] = "balance"
    balance_kopecks: int
    minutes_left: int
    minutes_charged: int


class LowBalance(BaseModel):
    type: Literal["low_balance"] = "low_balance"
    minutes_left: int


class SessionError(BaseModel):
    type: Literal["error"] = "error"
    code: str
    message: str = Field(description="Russian, for the student")
    fatal: bool = Field(description="The socket is about to close")


# The errors a session sends in the middle of a lesson (the socket's own are in transport.py).
TUTOR_UNAVAILABLE = SessionError(
    code="tutor_unavailable",
    message="Репетитор сейчас недоступен. Попробуйте ещё раз.",
    fatal=False,
)
TURN_LOST = SessionError(
    code="turn_not_saved", message="Эта реплика не сохранилась: повторите её.", fatal=False
)
SERVER_ERROR = SessionError(
    code="internal_error", message="Что-то пошло не так. Начните урок ещё раз.", fatal=True
)


class SessionEnded(BaseModel):
    type: Literal["session_ended"] = "session_ended"
    reason: SessionEndReason
    minutes_charged: int
    amount_kopecks: int


class Pong(BaseModel):
    type: Literal["pong"] = "pong"


PONG = Pong()


ServerEvent = Annotated[
    SessionStarted
    | SpeechStarted
    | SpeechStopped
    | PartialTranscript
    | TurnWaiting
    | TurnTranscript
    | TurnCorrections
    | ReplyText
    | ReplySentence
    | ReplyFinished
    | ReplyInterrupted
    | TurnCompleted
    | BalanceCharged
    | LowBalance
    | SessionError
    | SessionEnded
    | Pong,
    Field(discriminator="type"),
]
