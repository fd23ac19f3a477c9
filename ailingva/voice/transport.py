"""The socket of a voice session: messages in (with an idle timeout and a flood limit), events
and audio out, and the close codes (docs/voice-protocol.md)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from enum import IntEnum
from typing import Any

from pydantic import BaseModel
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from ailingva.voice.events import SessionEndReason, SessionError
from ailingva.voice.protocol import (
    ClientMessage,
    PingMessage,
    ProtocolError,
    SettingsMessage,
    parse_message,
)

FLOOD_BURST_SECONDS = 3


class CloseCode(IntEnum):
    NORMAL = 1000
    SERVER_ERROR = 1011
    TRY_AGAIN = 1013
    PROTOCOL = 4400
    SIGNED_OUT = 4401  # an admin ended the student's sessions
    BALANCE = 4402
    ACCOUNT_BLOCKED = 4403
    IDLE = 4408
    FLOOD = 4429


class Transport:
    """Receives audio frames and well-formed messages and sends events; once the socket is
    closed (by either side) receiving ends and sending does nothing."""

    def __init__(
        self,
        websocket: WebSocket,
        *,
        idle_seconds: float,
        max_messages_per_second: int,
        max_protocol_errors: int,
    ) -> None:
        self.ws = websocket
        self.idle_seconds = idle_seconds
        self.rate = max_messages_per_second
        self.max_protocol_errors = max_protocol_errors
        self.protocol_errors = 0
        self.flood_tokens = float(max_messages_per_second * FLOOD_BURST_SECONDS)
        self.flood_checked = time.monotonic()
        self.active_at = time.monotonic()  # the last practice: audio, a typed turn, playback
        self.closed = False
        self.ended_by: SessionEndReason | None = None  # why receiving ended, if not by us
        # Sees every event and audio chunk that goes out (the admin's monitor); must not raise.
        self.on_send: Callable[[BaseModel | bytes], None] | None = None

    async def next_message(self) -> bytes | ClientMessage | None:
        """The next audio frame or well-formed message; a malformed one is answered with an
        error event and skipped. None when the session is over. The session is idle (and
        closed) after `idle_seconds` without practice: pings, settings and malformed messages
        keep the socket open but are not practice, so a client sending only those is not
        charged minute after minute."""
        while not self.closed:
            message = await self._receive()
            if message is None:
                return None
            if isinstance(message, bytes):
                self.active_at = time.monotonic()
                return message
            try:
                parsed = parse_message(message)
            except ProtocolError as exc:
                await self.protocol_error(exc)
                continue
            if not isinstance(parsed, PingMessage | SettingsMessage):
                self.active_at = time.monotonic()
            return parsed
        return None

    async def _receive(self) -> str | bytes | None:
        try:
            idle_in = self.active_at + self.idle_seconds - time.monotonic()
            if idle_in <= 0:
                raise TimeoutError
            message = await asyncio.wait_for(self.ws.receive(), idle_in)
        except TimeoutError:
            # Receiving ends; the session settles, sends `session_ended` and closes with IDLE.
            self.ended_by = "idle"
            await self.error("idle", "Сессия закрыта: долго не было звука.", fatal=True)
            return None
        if message["type"] == "websocket.disconnect":
            self.closed = True
            self.ended_by = "disconnected"
            return None
        if self._flooding():
            self.ended_by = "flood"
            await self.close_with_error(
                "flood", "Слишком много сообщений: соединение закрыто.", CloseCode.FLOOD
            )
            return None
        data: bytes | None = message.get("bytes")
        if data is not None:
            return data
        text: str = message.get("text") or ""
        return text

    def _flooding(self) -> bool:
        """A token bucket: a steady 50 frames a second pass, and so does the burst a client
        sends after a network stall; a client firing far faster does not. While the server
        itself was not reading (a slow first turn on a busy machine), the client's frames
        waited in the socket: the bucket then holds that backlog too, so reading it is not
        the client's flood."""
        now = time.monotonic()
        unread = now - self.flood_checked
        refilled = self.flood_tokens + unread * self.rate
        ceiling = max(self.rate * (FLOOD_BURST_SECONDS + unread), self.flood_tokens)
        self.flood_tokens = min(refilled, ceiling)
        self.flood_checked = now
        self.flood_tokens -= 1
        return self.flood_tokens < 0

    async def send(self, event: BaseModel) -> None:
        if self.on_send is not None:
            self.on_send(event)
        await self._safely(self.ws.send_json, event.model_dump(mode="json"))

    async def send_audio(self, data: bytes) -> None:
        if self.on_send is not None:
            self.on_send(data)
        await self._safely(self.ws.send_bytes, data)

    async def _safely(self, send: Callable[[Any], Awaitable[None]], payload: Any) -> None:
        if self.closed:
            return
        try:
            await send(payload)
        except (WebSocketDisconnect, RuntimeError, OSError):
            self.closed = True

    async def error(self, code: str, message: str, *, fatal: bool = False) -> None:
        await self.send(SessionError(code=code, message=message, fatal=fatal))

    async def protocol_error(self, exc: ProtocolError) -> None:
        self.protocol_errors += 1
        if self.protocol_errors > self.max_protocol_errors:
            await self.close_with_error(
                "too_many_errors", "Слишком много ошибок протокола.", CloseCode.PROTOCOL
            )
            return
        await self.error(exc.code, exc.message)

    async def close_with_error(self, code: str, message: str, close_code: CloseCode) -> None:
        await self.error(code, message, fatal=True)
        await self.close(close_code)

    async def close(self, code: CloseCode) -> None:
        if self.closed:
            return
        self.closed = True
        if self.ws.application_state == WebSocketState.CONNECTED:
            with contextlib.suppress(RuntimeError, WebSocketDisconnect, OSError):
                await self.ws.close(int(code))
