"""The billing of a voice session: each started minute is charged when it starts."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from functools import partial

from sqlalchemy import Engine
from sqlmodel import Session

from ailingva.billing import metering
from ailingva.billing.ledger import InsufficientFunds
from ailingva.billing.wallet import BalanceView
from ailingva.core.db import in_session, utcnow
from ailingva.voice.events import BalanceCharged, LowBalance
from ailingva.voice.transport import Transport


class Meter:
    def __init__(
        self, engine: Engine, transport: Transport, *, user_id: int, minute_seconds: float
    ) -> None:
        self.engine = engine
        self.transport = transport
        self.user_id = user_id
        self.minute_seconds = minute_seconds
        self.usage_id: int | None = None
        self.started_at = 0.0
        self.minutes_charged = 0
        self.warned_low_balance = False

    async def open(self, lesson_id: int) -> BalanceView:
        """Start the meter and charge the first minute (InsufficientFunds if it cannot be paid)."""

        def work(db: Session) -> tuple[int, BalanceView]:
            usage, view = metering.start_metering(
                db, user_id=self.user_id, lesson_id=lesson_id, now=utcnow()
            )
            assert usage.id is not None
            return usage.id, view

        self.usage_id, view = await in_session(self.engine, work)
        self.started_at = time.monotonic()
        self.minutes_charged = 1
        return view

    async def run(self, on_exhausted: Callable[[], None]) -> None:
        """Charge each started minute when it starts and warn before the money runs out; when
        a minute cannot be paid, call `on_exhausted` and stop."""
        assert self.usage_id is not None
        usage_id = self.usage_id
        while True:
            next_start = self.started_at + self.minutes_charged * self.minute_seconds
            await asyncio.sleep(max(0.0, next_start - time.monotonic()))
            minute = self.minutes_charged + 1
            try:
                view = await in_session(
                    self.engine,
                    partial(metering.meter_minute, usage_id=usage_id, minute=minute),
                )
            except InsufficientFunds:
                on_exhausted()
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

    async def warn_if_low(self, view: BalanceView) -> None:
        """Once a session: the wallet pays for about one more minute."""
        if view.low_balance and not self.warned_low_balance:
            self.warned_low_balance = True
            await self.transport.send(LowBalance(minutes_left=view.minutes_left))

    async def close(self) -> int:
        """Stop the meter; what the session cost (kopecks), 0 if it never started."""
        if self.usage_id is None:
            return 0
        usage_id = self.usage_id

        def work(db: Session) -> int:
            return metering.stop_metering(db, usage_id, now=utcnow()).amount_kopecks

        return await in_session(self.engine, work)
