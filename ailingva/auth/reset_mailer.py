"""Sending reset links off the request path.

The request for a link answers at once and alike for every address: looking the account up,
storing the link and talking to the SMTP server all happen after the answer, on a small pool of
threads of their own, so neither the answer's content nor its timing tells whether the address
has an account, and a slow or failing mail server costs the request nothing (it is logged).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine

from ailingva.auth import reset
from ailingva.core.config import Settings
from ailingva.core.db import session_scope, utcnow
from ailingva.core.mail import Mailer, MailError, masked_address

log = logging.getLogger(__name__)

MAIL_THREADS = 2
# Mails waiting at once; past it a request is dropped with a warning (the throttle keeps real
# traffic far below this).
MAX_WAITING_MAILS = 100


class ResetMailer:
    def __init__(self, engine: Engine, settings: Settings, mailer: Mailer) -> None:
        self._engine = engine
        self._settings = settings
        self._mailer = mailer
        self._pool = ThreadPoolExecutor(MAIL_THREADS, thread_name_prefix="reset-mail")
        self._lock = threading.Lock()
        self._running: set[Future[None]] = set()

    def send_link(self, email: str) -> None:
        """Mail a reset link to the address if it has an account; returns before any of it.
        Safe to call from any thread."""
        with self._lock:
            if len(self._running) >= MAX_WAITING_MAILS:
                log.warning(
                    "too many reset mails waiting: one to %s dropped", masked_address(email)
                )
                return
            future = self._pool.submit(self._deliver, email)
            self._running.add(future)
        future.add_done_callback(self._done)

    def _done(self, future: Future[None]) -> None:
        with self._lock:
            self._running.discard(future)

    def _deliver(self, email: str) -> None:
        try:
            with session_scope(self._engine) as db:
                link = reset.issue_link(db, email=email, now=utcnow())
            if link is not None:
                self._mailer.send(reset.reset_mail(self._settings, link))
        except MailError as exc:
            log.error("the reset mail to %s was not sent: %s", masked_address(email), exc)
        except Exception:
            log.exception("the reset mail to %s was not sent", masked_address(email))

    async def join(self) -> None:
        """Wait for the mails under way (tests, shutdown)."""
        while running := self._waiting():
            await asyncio.gather(*map(asyncio.wrap_future, running), return_exceptions=True)

    def _waiting(self) -> list[Future[None]]:
        with self._lock:
            return list(self._running)

    async def aclose(self, grace_seconds: float = 20.0) -> None:
        try:
            async with asyncio.timeout(grace_seconds):
                await self.join()
        except TimeoutError:
            log.warning("stopping with %d reset mails unsent", len(self._waiting()))
        self._pool.shutdown(wait=False, cancel_futures=True)


def _reset_mailer(request: Request) -> ResetMailer:
    mailer: ResetMailer = request.app.state.reset_mailer
    return mailer


ResetMailerDep = Annotated[ResetMailer, Depends(_reset_mailer)]
