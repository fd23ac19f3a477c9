"""The end of a voice session, whatever ended it: the turn in progress settled, the meter
closed, the client told why. Each step is guarded, so one that fails (the database away) does
not keep the others from running. The lesson stays open: the student may type on, or speak
again, in the same lesson (it ends when the student ends it, or after a while unused)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

import anyio

from ailingva.voice import events
from ailingva.voice.events import SessionError
from ailingva.voice.meter import MeterClosed, retrying
from ailingva.voice.transport import CloseCode

if TYPE_CHECKING:
    from ailingva.voice.session import VoiceSession

log = logging.getLogger(__name__)
T = TypeVar("T")

DATABASE_AWAY = SessionError(
    code="service_unavailable",
    message="Сервис временно недоступен: урок сохранён, продолжите чуть позже.",
    fatal=True,
)


async def finish(session: VoiceSession, meter: asyncio.Task[None] | None) -> None:
    """Whatever ended the session: the turn in progress is settled, the meter closed, and
    the client told why. Shielded: a server
    cancelling the handler after the client left must not leave money or turns half-done.
    Nothing that failed before (the meter's task included: only logged) keeps it from
    running."""
    with anyio.CancelScope(shield=True):
        if meter is not None:
            meter.cancel()
            for outcome in await asyncio.gather(meter, return_exceptions=True):
                if isinstance(outcome, Exception):
                    log.error("voice meter failed", exc_info=outcome)
            session.meter.stopped()
        await _settle(session)


async def _settle(session: VoiceSession) -> None:
    session.settling = True
    await logged(_settle_turn(session), "settling the turn in progress")
    await logged(session.partials.stop(), "stopping the partial transcripts")
    if session.prompt is not None:
        await logged(session.prompt.stop(), "stopping the prompt")
    if session.background:
        await asyncio.gather(*session.background, return_exceptions=True)
    closed = await logged(
        asyncio.wait_for(_close_records(session), session.config.first_settle_seconds),
        "ending the session's records",
    )
    if closed is None or session.failure is not None:
        # The client is not kept waiting: told to come back later, while the meter is closed
        # as soon as the database answers again.
        if closed is None:
            session._fail(DATABASE_AWAY, CloseCode.TRY_AGAIN)
        assert session.failure is not None
        await session.transport.send(session.failure)
        await session.transport.close(session.close_code)
        if closed is None:
            await logged(
                retrying(
                    partial(_close_records, session),
                    what=f"ending voice session of user {session.student.user_id}",
                    for_seconds=session.config.settle_seconds,
                ),
                "ending the session's records",
            )
        return
    if session.lesson is not None:  # it started
        await session.transport.send(
            events.SessionEnded(
                reason=session.end_reason,
                minutes_charged=closed.minutes_charged,
                amount_kopecks=closed.amount_kopecks,
            )
        )
    await session.transport.close(session.close_code)


async def _settle_turn(session: VoiceSession) -> None:
    turn = session.turn
    if turn is not None and turn.finished and turn.task is not None:
        await asyncio.gather(turn.task, return_exceptions=True)  # it is storing the turn
    elif turn is not None and turn.committed.is_set():
        await cancel(turn.task)
        if turn.text:
            session._in_background(session._store(turn, reply=turn.played_text(), interrupted=True))
    elif turn is not None:
        await cancel(turn.task)


async def _close_records(session: VoiceSession) -> MeterClosed:
    """Close the meter (charging the minutes due); safe to repeat."""
    return await session.meter.close()


async def logged(work: Awaitable[T], what: str) -> T | None:
    """`work`'s result, or None when it failed (logged): one step of the teardown must not
    keep the others from running."""
    try:
        return await work
    except Exception:
        log.exception("voice session: %s failed", what)
        return None


async def cancel(task: asyncio.Task[Any] | None) -> None:
    if task is None or task.done():
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task
