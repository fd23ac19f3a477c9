"""Reading a payment back from the provider after its webhook, off the request path.

A webhook is unauthenticated and only says "look again", so it must cost the app nothing: it
answers at once, a payment already settled is never read back, a pending one is read back once
at a time however many notifications arrive, and the read-backs run on a small pool of their
own, so a slow provider cannot take the threads that serve the rest of the API.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine
from sqlmodel import Session

from ailingva.billing import purchases
from ailingva.billing.models import PaymentStatus
from ailingva.billing.payments import ProviderPayment, payment_provider
from ailingva.core.config import Settings
from ailingva.core.db import in_session
from ailingva.core.errors import AppError

log = logging.getLogger(__name__)

READ_BACK_THREADS = 2
# Distinct payments waiting for a read-back at once; past it a notification is dropped (the
# provider repeats its notifications until one is answered by a settled payment).
MAX_WAITING_READ_BACKS = 100


class PaymentConfirmations:
    def __init__(self, engine: Engine, settings: Settings) -> None:
        self._engine = engine
        self._settings = settings
        self._pool = ThreadPoolExecutor(READ_BACK_THREADS, thread_name_prefix="payment-read-back")
        self._running: dict[str, asyncio.Task[None]] = {}

    def look_again(self, provider: str, provider_payment_id: str) -> None:
        """Schedule a read-back of the payment, unless one is already on its way."""
        key = f"{provider}:{provider_payment_id}"
        if key in self._running or len(self._running) >= MAX_WAITING_READ_BACKS:
            return
        task = asyncio.get_running_loop().create_task(
            self._confirm(provider, provider_payment_id), name=f"read back {key}"
        )
        self._running[key] = task
        task.add_done_callback(lambda _: self._running.pop(key, None))

    async def _confirm(self, provider: str, provider_payment_id: str) -> None:
        try:
            if not await in_session(
                self._engine, lambda db: _pending(db, provider, provider_payment_id)
            ):
                return
            fetch = payment_provider(self._settings).fetch
            loop = asyncio.get_running_loop()
            confirmed = await loop.run_in_executor(self._pool, fetch, provider_payment_id)
            await in_session(self._engine, lambda db: _settle(db, provider, confirmed))
        except AppError as exc:
            log.warning("read-back of payment %s failed: %s", provider_payment_id, exc.message)
        except Exception:
            log.exception("read-back of payment %s failed", provider_payment_id)

    async def join(self) -> None:
        """Wait for the read-backs under way (tests, shutdown)."""
        while self._running:
            await asyncio.gather(*list(self._running.values()), return_exceptions=True)

    async def aclose(self, grace_seconds: float = 20.0) -> None:
        try:
            async with asyncio.timeout(grace_seconds):
                await self.join()
        except TimeoutError:
            for task in list(self._running.values()):
                task.cancel()
        self._pool.shutdown(wait=False, cancel_futures=True)


def _pending(db: Session, provider: str, provider_payment_id: str) -> bool:
    found = purchases.find_payment(db, provider, provider_payment_id)
    return found is not None and found.status == PaymentStatus.PENDING


def _settle(db: Session, provider: str, confirmed: ProviderPayment) -> None:
    found = purchases.find_payment(db, provider, confirmed.provider_payment_id)
    if found is not None:
        purchases.settle_payment(db, found, confirmed.status, confirmed.amount_kopecks)
