"""Outgoing mail over SMTP (`SMTP_*` settings); without `SMTP_HOST`, into the log.

Sending blocks (a connection, maybe STARTTLS and a login, then the message): callers run it off
the event loop and off the request path. A server that refuses or cannot be reached raises
`MailError`, which names the failure and never carries the message (it holds a reset link).
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid, parseaddr

from ailingva.core.config import Settings

log = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 15.0


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str


class MailError(Exception):
    """The mail was not handed over to the SMTP server."""


def masked_address(address: str) -> str:
    """Enough of an address to tell mails apart in a log, not to collect addresses from it."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


class Mailer:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def send(self, mail: Mail) -> None:
        """Hand the mail to the SMTP server (or the log); `MailError` when that fails."""
        settings = self._settings
        if not settings.smtp_host:
            self._log_instead(mail)
            return
        message = EmailMessage()
        message["From"] = settings.smtp_from
        message["To"] = mail.to
        message["Subject"] = mail.subject
        sender_domain = parseaddr(settings.smtp_from)[1].rpartition("@")[2]
        message["Message-ID"] = make_msgid(domain=sender_domain or "localhost")
        message.set_content(mail.text)
        try:
            with smtplib.SMTP(
                settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_SECONDS
            ) as smtp:
                if settings.smtp_starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if settings.smtp_user:
                    smtp.login(settings.smtp_user, settings.smtp_password or "")
                smtp.send_message(message)
        except (smtplib.SMTPException, OSError) as exc:
            raise MailError(f"{type(exc).__name__}: {exc}") from exc

    def _log_instead(self, mail: Mail) -> None:
        if self._settings.environment == "production":
            log.error(
                "SMTP_HOST is not set: a mail to %s (%s) was not sent",
                masked_address(mail.to),
                mail.subject,
            )
            return
        log.warning(
            "SMTP_HOST is not set: the mail is written here instead of sent\n"
            "To: %s\nSubject: %s\n\n%s",
            mail.to,
            mail.subject,
            mail.text,
        )
