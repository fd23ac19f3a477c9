"""A real SMTP server on loopback (aiosmtpd) that keeps what it is sent, or refuses it."""

from __future__ import annotations

import asyncio
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.conftest import wait_until

RESET_LINK = re.compile(r"(https?://\S+/reset-password#token=([A-Za-z0-9_-]+))")


class Inbox:
    """The aiosmtpd handler: every accepted message, parsed. `refuse_with` makes it answer the
    DATA command with that reply instead; `hold` keeps it from answering until `release`."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse_with: str | None = None
        self.logins: list[tuple[str, str]] = []
        self._held = threading.Event()
        self._held.set()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.get_running_loop().run_in_executor(None, self._held.wait)
        if self.refuse_with:
            return self.refuse_with
        content = envelope.original_content or envelope.content
        message = message_from_bytes(content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 OK"

    def hold(self, *, at_most: float) -> None:
        """Answer no message until `release`, or until `at_most` seconds passed (so that code
        which waits for the answer fails the test instead of hanging it)."""
        self._held.clear()
        backstop = threading.Timer(at_most, self._held.set)
        backstop.daemon = True
        backstop.start()

    @property
    def held(self) -> bool:
        return not self._held.is_set()

    def release(self) -> None:
        self._held.set()

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        assert isinstance(data, LoginPassword)
        self.logins.append((data.login.decode(), data.password.decode()))
        return AuthResult(success=data.password == b"mail-password")

    def wait_for(self, count: int) -> list[EmailMessage]:
        wait_until(lambda: len(self.messages) >= count, timeout=20, what=f"{count} mail(s)")
        return self.messages


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def smtp_server(*, require_login: bool = False) -> Iterator[tuple[Inbox, int]]:
    """A running SMTP server on 127.0.0.1: its inbox and port."""
    inbox = Inbox()
    port = free_port()
    # Without TLS: the login is checked, the transport is not what these tests are about.
    auth: dict[str, Any] = (
        {"authenticator": inbox.authenticate, "auth_required": True, "auth_require_tls": False}
        if require_login
        else {}
    )
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **auth)
    controller.start()
    try:
        yield inbox, port
    finally:
        inbox.release()
        controller.stop()


def reset_link(message: EmailMessage) -> tuple[str, str]:
    """The link in a reset mail, and its token."""
    body = message.get_body(("plain",))
    assert body is not None
    found = RESET_LINK.search(body.get_content())
    assert found is not None, body.get_content()
    return found.group(1), found.group(2)
