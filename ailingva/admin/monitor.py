"""`/api/admin/monitor`: the voice sessions open now in every app process, as a list and as a
Server-Sent Events stream (the list first, then each change)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.sse import EventSourceResponse, ServerSentEvent

from ailingva.api.deps import SessionDep, release_db
from ailingva.auth.deps import AdminUser
from ailingva.core.errors import ErrorResponse
from ailingva.voice.monitor import Monitor, MonitorEvent, MonitorSnapshot

ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorResponse} for code in (401, 403)}
router = APIRouter(prefix="/api/admin/monitor", tags=["admin"], responses=ERRORS)


def _monitor(request: Request) -> Monitor:
    monitor: Monitor = request.app.state.monitor
    return monitor


@router.get("/sessions")
async def live_sessions(request: Request, _: AdminUser) -> MonitorSnapshot:
    """The voice sessions open now, oldest first."""
    return await _monitor(request).snapshot()


@router.get("/stream", response_class=EventSourceResponse)
async def stream(
    request: Request, db: SessionDep, _: AdminUser
) -> AsyncIterator[MonitorEvent | MonitorSnapshot]:
    """Server-Sent Events until the client goes: `event: snapshot` (a MonitorSnapshot) first
    and again every little while (sessions of an app process that died drop out of it),
    `event: session` (a MonitorEvent) for each change, `: ping` comments between."""
    # The stream lasts: the sign-in check's transaction and database place end here, on the
    # loop and at once (a short commit of a read): in a worker thread it could still be running
    # when the request's own end of the session commits, and SQLAlchemy refuses that (a 500).
    release_db(db)
    monitor = _monitor(request)
    async with monitor.watching() as changes:
        known: dict[str, int] = {}
        resync_at = 0.0
        while True:
            if time.monotonic() >= resync_at:
                snapshot = await monitor.snapshot()
                known = {s.id: s.version for s in snapshot.sessions}
                resync_at = time.monotonic() + monitor.ttl_seconds
                yield ServerSentEvent(event="snapshot", data=snapshot)  # type: ignore[misc]
            try:
                wait = max(0.0, resync_at - time.monotonic())
                change = await asyncio.wait_for(changes.get(), wait)
            except TimeoutError:
                continue
            if change is None:  # it fell behind: the whole list again
                resync_at = 0.0
            elif _newer(change, known):
                yield ServerSentEvent(event="session", data=change)  # type: ignore[misc]


def _newer(change: MonitorEvent, known: dict[str, int]) -> bool:
    """A change that arrives after a newer state of its session (read with the list) is old."""
    session = change.session
    if session.version <= known.get(session.id, 0):
        return False
    known[session.id] = session.version
    return True
