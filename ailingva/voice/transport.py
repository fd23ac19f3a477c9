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
        # One timer per session watches the idle deadline (a timeout per frame would cost a
        # timer and a task 50 times a second); it interrupts the read it finds waiting.
        self._idle_timer: asyncio.TimerHandle | None = None
        self._reader: asyncio.Task[Any] | None = None  # while a read waits on the socket
        self._idle_interrupted = False
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
                self._stop_watching()
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
        self._stop_watching()
        return None

    async def _receive(self) -> str | bytes | None:
        if self._idle_timer is None:
            self._watch_idle()
        if self.active_at + self.idle_seconds <= time.monotonic():
            await self._idle()
            return None
        self._reader = asyncio.current_task()
        try:
            message = await self.ws.receive()
        except asyncio.CancelledError:
            reader = self._reader
            if self._idle_interrupted and reader is not None and reader.uncancel() == 0:
                await self._idle()
                return None
            raise  # cancelled from outside (the meter, the server stopping)
        finally:
            self._reader = None
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

    def _watch_idle(self) -> None:
        """Wakes at the idle deadline; practice since then moved it, so it sleeps on to the new
        one, else it interrupts the waiting read (a read about to start sees the deadline)."""
        loop = asyncio.get_running_loop()
        idle_in = self.active_at + self.idle_seconds - time.monotonic()
        if idle_in > 0:
            self._idle_timer = loop.call_later(idle_in, self._watch_idle)
            return
        self._idle_timer = loop.call_later(self.idle_seconds, self._watch_idle)
        if self._reader is not None and not self._idle_interrupted:
            self._idle_interrupted = True
            self._reader.cancel()

    def _stop_watching(self) -> None:
        if self._idle_timer is not None:
            self._idle_timer.cancel()
        self._idle_timer = None

    async def _idle(self) -> None:
        # Receiving ends; the session settles, sends `session_ended` and closes with IDLE.
        self._stop_watching()
        self.ended_by = "idle"
        await self.error("idle", "Сессия закрыта: долго не было звука.", fatal=True)

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
        # Serialised by pydantic itself: the compact JSON `send_json` would make, in one step.
        await self._safely(self.ws.send_text, event.model_dump_json())

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
        self._stop_watching()
        if self.closed:
            return
        self.closed = True
        if self.ws.application_state == WebSocketState.CONNECTED:
            with contextlib.suppress(RuntimeError, WebSocketDisconnect, OSError):
                await self.ws.close(int(code))
