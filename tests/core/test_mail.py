"""The mail module against a real SMTP server on loopback (aiosmtpd), and the log in its place
when no SMTP server is configured."""

import logging

import pytest

from ailingva.core.config import Settings
from ailingva.core.mail import Mail, Mailer, MailError
from tests.smtp import smtp_server

MAIL = Mail(to="anna@example.com", subject="Смена пароля", text="Ссылка: http://x/#token=abc")


def _smtp(settings: Settings, port: int, **changes: object) -> Settings:
    mail = {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_starttls": False}
    return settings.model_copy(update={**mail, **changes})


def test_a_mail_arrives_in_utf_8_with_the_configured_sender(settings: Settings) -> None:
    with smtp_server() as (inbox, port):
        Mailer(_smtp(settings, port, smtp_from="Лингва <hello@ailingva.example>")).send(MAIL)
        message = inbox.wait_for(1)[0]
    assert message["To"] == "anna@example.com"
    assert message["From"] == "Лингва <hello@ailingva.example>"
    assert message["Subject"] == "Смена пароля"
    assert message["Message-ID"].endswith("@ailingva.example>")
    assert message.get_body(("plain",)).get_content().strip() == MAIL.text  # type: ignore[union-attr]


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_the_server_is_logged_in_to_with_the_configured_credentials(settings: Settings) -> None:
    with smtp_server(require_login=True) as (inbox, port):
        good = _smtp(settings, port, smtp_user="lingva", smtp_password="mail-password")
        Mailer(good).send(MAIL)
        assert len(inbox.wait_for(1)) == 1
        with pytest.raises(MailError, match="530"):  # without a login the server refuses
            Mailer(_smtp(settings, port)).send(MAIL)
    assert inbox.logins == [("lingva", "mail-password")]
    assert len(inbox.messages) == 1


def test_starttls_is_asked_for_and_a_server_without_it_fails_cleanly(settings: Settings) -> None:
    with smtp_server() as (inbox, port), pytest.raises(MailError, match="STARTTLS"):
        Mailer(_smtp(settings, port, smtp_starttls=True)).send(MAIL)
    assert inbox.messages == []


def test_without_smtp_development_writes_the_mail_to_the_log(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="ailingva.core.mail"):
        Mailer(settings.model_copy(update={"environment": "development"})).send(MAIL)
    assert "To: anna@example.com" in caplog.text
    assert "http://x/#token=abc" in caplog.text


def test_without_smtp_production_logs_only_that_a_mail_was_not_sent(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="ailingva.core.mail"):
        Mailer(settings.model_copy(update={"environment": "production"})).send(MAIL)
    assert [r.levelname for r in caplog.records] == ["ERROR"]
    assert "was not sent" in caplog.text and "a***@example.com" in caplog.text
    assert "token" not in caplog.text and "anna@" not in caplog.text
