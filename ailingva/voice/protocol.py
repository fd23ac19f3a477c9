"""The messages of `/ws/voice` (docs/voice-protocol.md): what a client may send, checked here."""

from __future__ import annotations

import json
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from ailingva.core.db import DbId
from ailingva.tutor.schemas import MessageText

PROTOCOL_VERSION = 1
MAX_AUDIO_FRAME_BYTES = 32_000  # 1 s of 16 kHz PCM16
MAX_TEXT_MESSAGE_BYTES = 8_192


class _Message(BaseModel):
    model_config = ConfigDict(extra="ignore")


class StartMessage(_Message):
    type: Literal["start"]
    protocol: int = PROTOCOL_VERSION
    lesson_id: DbId | None = None
    speak: bool = True


class TextMessage(_Message):
    type: Literal["text"]
    text: MessageText  # cleaned of control characters, as a typed message over HTTP


class PlaybackMessage(_Message):
    type: Literal["playback"]
    played_ms: int = Field(ge=0, le=3_600_000)


class InterruptMessage(_Message):
    type: Literal["interrupt"]


class SettingsMessage(_Message):
    type: Literal["settings"]
    speak: bool | None = None


class PingMessage(_Message):
    type: Literal["ping"]


class StopMessage(_Message):
    type: Literal["stop"]


ClientMessage = Annotated[
    StartMessage
    | TextMessage
    | PlaybackMessage
    | InterruptMessage
    | SettingsMessage
    | PingMessage
    | StopMessage,
    Field(discriminator="type"),
]
_client_message: TypeAdapter[ClientMessage] = TypeAdapter(ClientMessage)
KNOWN_TYPES = frozenset({"start", "text", "playback", "interrupt", "settings", "ping", "stop"})


class ProtocolError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def parse_message(raw: str) -> ClientMessage:
    """A client's JSON message, or ProtocolError with a code the client can act on."""
    if len(raw.encode()) > MAX_TEXT_MESSAGE_BYTES:
        raise ProtocolError("bad_message", "Сообщение слишком длинное.")
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise ProtocolError("bad_json", "Сообщение не в формате JSON.") from exc
    if not isinstance(data, dict):
        raise ProtocolError("bad_json", "Сообщение должно быть JSON-объектом.")
    if data.get("type") not in KNOWN_TYPES:
        raise ProtocolError("unknown_message", "Неизвестный тип сообщения.")
    try:
        return _client_message.validate_python(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"][1:]) or "type"
        raise ProtocolError("bad_message", f"Неверное поле «{field}».") from exc


def check_audio_frame(data: bytes) -> None:
    if not data or len(data) % 2 or len(data) > MAX_AUDIO_FRAME_BYTES:
        raise ProtocolError(
            "bad_audio_frame",
            "Аудио должно быть PCM16: чётное число байт, не больше секунды за сообщение.",
        )
