"""The admin's live view of the voice sessions: who is in a lesson now, since when, the minutes
charged, what the session is doing (listening, thinking, speaking) and its last turn's latency.

Each app process knows the sessions it serves (`voice/watch.py` keeps each one's state from
what it sends its student). A change is a `MonitorEvent`: with `REDIS_URL` it goes out on a
Redis channel every app process listens to, and each hands it to the monitors (admins' event
streams) it serves; without Redis, straight to this process's monitors. A monitor that opens
reads the list first (`snapshot`): each process keeps its sessions in a Redis hash of its own
(named in a set of the processes' hashes), rewritten and given a new expiry while the process
lives, so a process that died leaves nothing behind for long.

Redis is never on a student's path: a session only hands its change over (`record`, no
waiting); a background task sends it, and when Redis fails that is logged and this process's
monitors still get the change.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Literal

import redis.asyncio as aioredis
from pydantic import BaseModel, Field, ValidationError
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

NAMESPACE = "ailingva:monitor"
OUTBOX_SIZE = 10_000  # changes waiting for Redis; past it they reach this process's monitors only
WATCHER_BACKLOG = 1_000  # a monitor this far behind is sent the whole list again
RESUBSCRIBE_SECONDS = 1.0

SessionState = Literal["starting", "listening", "thinking", "speaking"]
EventKind = Literal["opened", "state", "turn", "minutes", "closed"]


class LiveSession(BaseModel):
    id: str = Field(description="The session's own id (one student may have two)")
    user_id: int
    name: str
    email: str
    since: datetime
    lesson_id: int | None = None
    state: SessionState = "starting"
    minutes_charged: int = Field(0, description="Minutes the meter charged so far")
    turns: int = 0
    last_turn: dict[str, float] | None = Field(
        None, description="The last turn's milliseconds per stage, end_to_first_audio among them"
    )
    version: int = Field(0, description="Grows with every change: the highest is the newest")


class MonitorEvent(BaseModel):
    kind: EventKind
    session: LiveSession


class MonitorSnapshot(BaseModel):
    sessions: list[LiveSession]
    scope: Literal["all_processes", "this_process"] = Field(
        description="this_process: without Redis, or Redis did not answer"
    )
    watchers: int = Field(description="Monitors open on the app process that answered")


class Monitor:
    """The sessions this process serves, the monitors it serves, and Redis between processes."""

    def __init__(
        self,
        redis_url: str | None,
        *,
        namespace: str = NAMESPACE,
        ttl_seconds: float = 30.0,
    ) -> None:
        self._redis_url = redis_url
        self.channel = f"{namespace}:events"
        # The processes' hashes by name, so a monitor reads them without scanning Redis.
        self._processes_key = f"{namespace}:processes"
        self._process_key = f"{namespace}:process:{uuid.uuid4().hex}"
        # A process's hash expires after this; a monitor's stream reads the list again as often.
        self.ttl_seconds = ttl_seconds
        self._here: dict[str, LiveSession] = {}
        # Each monitor's queue with its event loop (a session may run on another thread's).
        self._watchers: dict[asyncio.Queue[MonitorEvent | None], asyncio.AbstractEventLoop] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._outbox: asyncio.Queue[MonitorEvent] | None = None
        self._redis: aioredis.Redis | None = None
        self._channel_client: aioredis.Redis | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._subscribed = asyncio.Event()
        self._redis_failing = False

    @property
    def sessions_here(self) -> list[LiveSession]:
        return list(self._here.values())

    @property
    def watchers(self) -> int:
        return len(self._watchers)

    async def start(self) -> None:
        """Returns once subscribed to the channel, or once the first attempt failed (it goes
        on trying in the background)."""
        self._loop = asyncio.get_running_loop()
        if self._redis_url is None:
            return
        self._redis = aioredis.Redis.from_url(
            self._redis_url, socket_connect_timeout=2, socket_timeout=5
        )
        self._outbox = asyncio.Queue(OUTBOX_SIZE)
        self._subscribed = asyncio.Event()
        # The channel waits for messages as long as none come: no read timeout on its client.
        self._channel_client = aioredis.Redis.from_url(self._redis_url, socket_connect_timeout=2)
        self._tasks = [
            asyncio.create_task(self._listen(self._channel_client)),
            asyncio.create_task(self._publish(self._redis)),
            asyncio.create_task(self._refresh(self._redis)),
        ]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._subscribed.wait(), 5)

    async def aclose(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        if self._redis is not None:
            with contextlib.suppress(RedisError):
                await self._redis.delete(self._process_key)
                await self._redis.srem(self._processes_key, self._process_key)  # type: ignore[misc]
            await self._redis.aclose()
            self._redis = None
        if self._channel_client is not None:
            await self._channel_client.aclose()
            self._channel_client = None
        self._outbox = None
        self._loop = None

    def record(self, event: MonitorEvent) -> None:
        """A session changed (from any thread): kept here, sent on without waiting."""
        if event.kind == "closed":
            self._here.pop(event.session.id, None)
        else:
            self._here[event.session.id] = event.session
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._send, event)

    async def snapshot(self) -> MonitorSnapshot:
        """Every process's sessions (this one's only, without Redis or when it fails)."""
        here = dict(self._here)
        sessions = here
        scope: Literal["all_processes", "this_process"] = "this_process"
        if self._redis is not None:
            try:
                sessions = await self._everyone(self._redis) | here
                scope = "all_processes"
            except RedisError as exc:
                self._warn("the list of sessions was read here only", exc)
        ordered = sorted(sessions.values(), key=lambda s: s.since)
        return MonitorSnapshot(sessions=ordered, scope=scope, watchers=self.watchers)

    @contextlib.asynccontextmanager
    async def watching(self) -> AsyncIterator[asyncio.Queue[MonitorEvent | None]]:
        """A monitor's changes; None in the queue means: read the whole list again."""
        queue: asyncio.Queue[MonitorEvent | None] = asyncio.Queue(WATCHER_BACKLOG)
        self._watchers[queue] = asyncio.get_running_loop()
        try:
            yield queue
        finally:
            self._watchers.pop(queue, None)

    # --- on this process's loop ----------------------------------------------------------

    def _send(self, event: MonitorEvent) -> None:
        if self._outbox is None:
            self._deliver(event)
            return
        try:
            self._outbox.put_nowait(event)
        except asyncio.QueueFull:
            log.warning("monitor: Redis is behind; a change reaches this process's monitors only")
            self._deliver(event)

    def _deliver(self, event: MonitorEvent) -> None:
        for queue, loop in list(self._watchers.items()):
            if not loop.is_closed():
                loop.call_soon_threadsafe(_offer, queue, event)

    async def _publish(self, client: aioredis.Redis) -> None:
        assert self._outbox is not None
        outbox = self._outbox
        while True:
            event = await outbox.get()
            try:
                async with client.pipeline(transaction=False) as pipe:
                    if event.kind == "closed":
                        pipe.hdel(self._process_key, event.session.id)
                    else:
                        pipe.hset(
                            self._process_key, event.session.id, event.session.model_dump_json()
                        )
                        pipe.expire(self._process_key, int(self.ttl_seconds))
                        # Listed at once: a monitor opened before the next renewal sees it.
                        pipe.sadd(self._processes_key, self._process_key)
                    pipe.publish(self.channel, event.model_dump_json())
                    await pipe.execute()
                self._recovered()
            except RedisError as exc:
                self._warn("a change reached this process's monitors only", exc)
                self._deliver(event)

    async def _listen(self, client: aioredis.Redis) -> None:
        while True:
            try:
                async with client.pubsub() as pubsub:
                    await pubsub.subscribe(self.channel)
                    self._subscribed.set()
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            self._heard(message.get("data"))
            except RedisError as exc:
                self._subscribed.set()  # start() waits no longer
                self._warn("the channel was lost", exc)
                await asyncio.sleep(RESUBSCRIBE_SECONDS)

    def _heard(self, data: object) -> None:
        try:
            event = MonitorEvent.model_validate_json(data)  # type: ignore[arg-type]
        except (ValidationError, TypeError, ValueError):
            log.warning("monitor: unreadable event ignored")
            return
        self._deliver(event)

    async def _refresh(self, client: aioredis.Redis) -> None:
        """This process's hash, written again (after a Redis restart, or a removal that
        failed) with a new expiry, a few times within each expiry."""
        while True:
            sessions = {s.id: s.model_dump_json() for s in self._here.values()}
            try:
                async with client.pipeline(transaction=True) as pipe:
                    pipe.delete(self._process_key)
                    if sessions:
                        pipe.hset(self._process_key, mapping=sessions)
                        pipe.expire(self._process_key, int(self.ttl_seconds))
                        pipe.sadd(self._processes_key, self._process_key)
                    await pipe.execute()
                self._recovered()
            except RedisError as exc:
                self._warn("the list of sessions was not renewed", exc)
            await asyncio.sleep(self.ttl_seconds / 3)

    async def _everyone(self, client: aioredis.Redis) -> dict[str, LiveSession]:
        keys: list[bytes] = sorted(await client.smembers(self._processes_key))  # type: ignore[misc]
        async with client.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.hvals(key.decode())
            lists: list[list[bytes]] = await pipe.execute()
        gone = [key for key, values in zip(keys, lists, strict=True) if not values]
        if gone:  # processes that stopped (or serve no session): their hashes expired
            await client.srem(self._processes_key, *gone)  # type: ignore[misc]
        sessions: dict[str, LiveSession] = {}
        for value in (value for values in lists for value in values):
            try:
                session = LiveSession.model_validate_json(value)
            except ValidationError:
                continue
            sessions[session.id] = session
        return sessions

    def _warn(self, what: str, exc: Exception) -> None:
        # Once an outage, not once a change.
        if not self._redis_failing:
            log.warning("monitor: Redis failed (%s): %s", type(exc).__name__, what)
        self._redis_failing = True

    def _recovered(self) -> None:
        if self._redis_failing:
            log.info("monitor: Redis answers again")
        self._redis_failing = False


def _offer(queue: asyncio.Queue[MonitorEvent | None], event: MonitorEvent) -> None:
    if queue.full():  # too far behind: drop what it missed, it reads the whole list again
        while not queue.empty():
            queue.get_nowait()
        queue.put_nowait(None)
        return
    queue.put_nowait(event)
