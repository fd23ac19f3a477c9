"""The billing of a voice session: each started minute is charged when it starts.

A database error does not stop the meter: the minute is charged again until the database
answers (the charge is idempotent by usage session and minute), for at most `grace_seconds`;
then the session is told to end (`on_unavailable`). Closing the meter charges every minute that
came due and was not charged yet, so no started minute is free. Each charged minute also keeps
the session's lesson open (a live session is the student using it, turn or no turn).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

from sqlalchemy import Engine
from sqlmodel import Session

from ailingva.billing import metering
from ailingva.billing.ledger import InsufficientFunds
from ailingva.billing.wallet import BalanceView
from ailingva.core.db import in_session, utcnow
from ailingva.lessons import service as lessons
from ailingva.voice.events import BalanceCharged, LowBalance
from ailingva.voice.transport import Transport

log = logging.getLogger(__name__)
T = TypeVar("T")

FIRST_RETRY_SECONDS = 0.1
MAX_RETRY_SECONDS = 2.0


@dataclass(frozen=True)
class MeterClosed:
    minutes_charged: int
    amount_kopecks: int


class Meter:
    def __init__(
        self,
        engine: Engine,
        transport: Transport,
        *,
        user_id: int,
        minute_seconds: float,
        grace_seconds: float,
    ) -> None:
        self.engine = engine
        self.transport = transport
        self.user_id = user_id
        self.minute_seconds = minute_seconds
        self.grace_seconds = grace_seconds
        self.usage_id: int | None = None
        self.lesson_id: int | None = None
        self.started_at = 0.0
        self.minutes_charged = 0
        self.minutes_due = 0  # the last minute that started (charged or not yet)
        self.warned_low_balance = False

    async def open(self, open_lesson: Callable[[Session], tuple[int, T]]) -> tuple[T, BalanceView]:
        """Open the lesson (`open_lesson(db)`: its id, and what the caller wants back), start the
        meter and charge the first minute, in one transaction: when the minute cannot be paid
        (InsufficientFunds) nothing is written, not the lesson either."""

        def work(db: Session) -> tuple[int, int, T, BalanceView]:
            lesson_id, opened = open_lesson(db)
            usage, view = metering.start_metering(
                db, user_id=self.user_id, lesson_id=lesson_id, now=utcnow()
            )
            assert usage.id is not None
            return usage.id, lesson_id, opened, view

        self.usage_id, self.lesson_id, opened, view = await in_session(self.engine, work)
        self.started_at = time.monotonic()
        self.minutes_charged = self.minutes_due = 1
        return opened, view

    async def run(
        self, on_exhausted: Callable[[], None], on_unavailable: Callable[[], None]
    ) -> None:
        """Charge each started minute when it starts and warn before the money runs out; when
        a minute cannot be paid, call `on_exhausted` and stop; when the database has not
        answered for `grace_seconds`, call `on_unavailable` and stop."""
        assert self.usage_id is not None
        usage_id = self.usage_id
        while True:
            next_start = self.started_at + self.minutes_charged * self.minute_seconds
            await asyncio.sleep(max(0.0, next_start - time.monotonic()))
            minute = self.minutes_charged + 1
            self.minutes_due = max(self.minutes_due, minute)

            charge = partial(self._charge, usage_id=usage_id, minute=minute)
            try:
                view = await retrying(
                    partial(in_session, self.engine, charge),
                    what=f"charging minute {minute} of usage session {usage_id}",
                    for_seconds=self.grace_seconds,
                    keep=(InsufficientFunds,),
                )
            except InsufficientFunds:
                on_exhausted()
                return
            except Exception:
                log.error("voice meter: the database is away; ending usage session %s", usage_id)
                on_unavailable()
                return
            self.minutes_charged = minute
            await self.transport.send(
                BalanceCharged(
                    balance_kopecks=view.balance_kopecks,
                    minutes_left=view.minutes_left,
                    minutes_charged=minute,
                )
            )
            await self.warn_if_low(view)

    def _charge(self, db: Session, *, usage_id: int, minute: int) -> BalanceView:
        view = metering.meter_minute(db, usage_id=usage_id, minute=minute)
        if self.lesson_id is not None:
            lessons.keep_open(db, self.lesson_id, now=utcnow())
        return view

    async def warn_if_low(self, view: BalanceView) -> None:
        """Once a session: the wallet pays for about one more minute."""
        if view.low_balance and not self.warned_low_balance:
            self.warned_low_balance = True
            await self.transport.send(LowBalance(minutes_left=view.minutes_left))

    def stopped(self) -> None:
        """The session is over. If the meter fell behind (a charge was being tried again),
        every minute started by now is owed, to be charged when the meter closes."""
        if self.usage_id is not None and self.minutes_due > self.minutes_charged:
            started = int((time.monotonic() - self.started_at) // self.minute_seconds) + 1
            self.minutes_due = max(self.minutes_due, started)

    async def close(self) -> MeterClosed:
        """Stop the meter, first charging the minutes that started and are not charged yet
        (as far as the wallet pays); what the session cost. One try: a database error is
        raised, and closing again is safe (every step is idempotent)."""
        if self.usage_id is None:
            return MeterClosed(0, 0)
        usage_id, owed = self.usage_id, range(self.minutes_charged + 1, self.minutes_due + 1)

        def work(db: Session) -> MeterClosed:
            for minute in owed:
                try:
                    metering.meter_minute(db, usage_id=usage_id, minute=minute)
                except InsufficientFunds:
                    break
            usage = metering.stop_metering(db, usage_id, now=utcnow())
            db.refresh(usage)
            return MeterClosed(usage.minutes_charged, usage.amount_kopecks)

        closed = await in_session(self.engine, work)
        self.minutes_charged = closed.minutes_charged
        return closed


async def retrying(
    attempt: Callable[[], Awaitable[T]],
    *,
    what: str,
    for_seconds: float,
    keep: tuple[type[BaseException], ...] = (),
) -> T:
    """`attempt()`, again after an error (except those in `keep`, raised at once), with a
    pause growing from 0.1 s to 2 s, until it succeeds or `for_seconds` have passed; then its
    last error is raised. Each failure is logged (the first with its traceback)."""
    deadline = time.monotonic() + for_seconds
    pause = FIRST_RETRY_SECONDS
    failures = 0
    while True:
        try:
            # A database that does not answer at all (no reset) counts as a failure too.
            return await asyncio.wait_for(attempt(), max(deadline - time.monotonic(), 1.0))
        except keep:
            raise
        except Exception as exc:
            failures += 1
            if failures == 1:
                log.warning("%s failed; trying again", what, exc_info=True)
            else:
                log.warning("%s failed again (%d): %s", what, failures, type(exc).__name__)
            if time.monotonic() + pause > deadline:
                raise
        await asyncio.sleep(pause)
        pause = min(pause * 2, MAX_RETRY_SECONDS)
