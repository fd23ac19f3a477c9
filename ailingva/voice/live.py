"""The voice sessions this process serves, and orders to end a student's sessions wherever
they are served.

An admin who blocks a student (or ends their sign-ins) must stop the lesson the student is
having now, whichever app process holds its socket. With `REDIS_URL` the order goes out on a
Redis channel every app process listens to (the one that gave it included); without Redis
there is one process, and the order is carried out in it. If Redis cannot take the order, this
process still carries it out for the sessions it serves.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from collections.abc import Iterator
from typing import Literal, Protocol

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from ailingva.voice.events import SessionError
from ailingva.voice.transport import CloseCode

log = logging.getLogger(__name__)

CHANNEL = "ailingva:voice:end"
RESUBSCRIBE_SECONDS = 1.0

EndReason = Literal["account_blocked", "signed_out"]

# What the student is told, and the socket's close code, for each reason.
ENDINGS: dict[EndReason, tuple[SessionError, CloseCode]] = {
    "account_blocked": (
        SessionError(
            code="account_blocked",
            message="Ваш аккаунт заблокирован администратором: урок остановлен.",
            fatal=True,
        ),
        CloseCode.ACCOUNT_BLOCKED,
    ),
    "signed_out": (
        SessionError(
            code="signed_out",
            message="Администратор завершил ваши сеансы: войдите снова, чтобы продолжить.",
            fatal=True,
        ),
        CloseCode.SIGNED_OUT,
    ),
}


class Endable(Protocol):
    def end(self, reason: EndReason) -> None: ...


class LiveSessions:
    """Who has a voice session open in this process, and the channel to the other ones."""

    def __init__(self, redis_url: str | None) -> None:
        # Each session with the event loop it runs on: an order may arrive on another thread.
        self._sessions: defaultdict[int, dict[Endable, asyncio.AbstractEventLoop]] = defaultdict(
            dict
        )
        self._redis_url = redis_url
        self._redis: aioredis.Redis | None = None
        self._listener: asyncio.Task[None] | None = None
        self._subscribed = asyncio.Event()

    @contextlib.contextmanager
    def serving(self, user_id: int, session: Endable) -> Iterator[None]:
        self._sessions[user_id][session] = asyncio.get_running_loop()
        try:
            yield
        finally:
            sessions = self._sessions.get(user_id)
            if sessions is not None:
                sessions.pop(session, None)
                if not sessions:
                    del self._sessions[user_id]

    def open_for(self, user_id: int) -> int:
        return len(self._sessions.get(user_id, ()))

    async def start(self) -> None:
        """Listen for orders from every app process (with Redis); returns once subscribed, or
        once the first attempt failed (it goes on trying in the background)."""
        if self._redis_url is None:
            return
        self._redis = aioredis.Redis.from_url(self._redis_url)
        self._listener = asyncio.create_task(self._listen(self._redis))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._subscribed.wait(), 5)

    async def aclose(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        if self._redis is not None:
            await self._redis.aclose()

    async def end_sessions_of(self, user_id: int, reason: EndReason) -> None:
        """End the user's voice sessions in every app process."""
        if self._redis is not None:
            try:
                await self._redis.publish(
                    CHANNEL, json.dumps({"user_id": user_id, "reason": reason})
                )
                return
            except RedisError as exc:
                log.warning("voice sessions: Redis refused the order (%s)", type(exc).__name__)
        self._end_here(user_id, reason)

    def _end_here(self, user_id: int, reason: EndReason) -> None:
        for session, loop in list(self._sessions.get(user_id, {}).items()):
            loop.call_soon_threadsafe(session.end, reason)

    async def _listen(self, client: aioredis.Redis) -> None:
        while True:
            try:
                async with client.pubsub() as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    self._subscribed.set()
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            self._obey(message.get("data"))
            except RedisError as exc:
                self._subscribed.set()  # start() waits no longer
                log.warning("voice sessions: Redis channel lost (%s)", type(exc).__name__)
                await asyncio.sleep(RESUBSCRIBE_SECONDS)

    def _obey(self, data: object) -> None:
        try:
            order = json.loads(data)  # type: ignore[arg-type]
            user_id, reason = int(order["user_id"]), order["reason"]
        except (TypeError, ValueError, KeyError):
            log.warning("voice sessions: unreadable order ignored")
            return
        if reason in ENDINGS:
            self._end_here(user_id, reason)
