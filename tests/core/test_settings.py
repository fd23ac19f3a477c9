"""SECRET_KEY: refused when missing or a placeholder outside development; what production
needs besides (real payments, PUBLIC_URL for the links in mails)."""

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from ailingva.core.config import Settings


@pytest.mark.parametrize("key", ["", "changeme", "secret", "short-but-not-empty"])
@pytest.mark.parametrize("environment", ["production", "test"])
def test_weak_secret_key_is_refused_outside_development(
    key: str, environment: str, tmp_path: Path
) -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(environment=environment, secret_key=key, data_dir=tmp_path)


def test_development_generates_a_key_once_and_keeps_it(tmp_path: Path) -> None:
    first = Settings(environment="development", secret_key="", data_dir=tmp_path)
    second = Settings(environment="development", secret_key="", data_dir=tmp_path)
    assert len(first.secret_key) >= 32
    assert first.secret_key == second.secret_key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_a_real_key_is_used_as_given(tmp_path: Path) -> None:
    key = "k" * 48
    settings = Settings(
        environment="production",
        secret_key=key,
        data_dir=tmp_path,
        payment_provider="yookassa",
        yookassa_shop_id="1",
        yookassa_secret_key="s",
        public_url="https://ailingva.example",
    )
    assert settings.secret_key == key


def test_test_payments_are_refused_in_production(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="PAYMENT_PROVIDER=test"):
        Settings(environment="production", secret_key="k" * 48, data_dir=tmp_path)
    with pytest.raises(ValidationError, match="YOOKASSA_SHOP_ID"):
        Settings(secret_key="k" * 48, data_dir=tmp_path, payment_provider="yookassa")


def test_settings_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("PAYMENT_PROVIDER", "yookassa")
    monkeypatch.setenv("YOOKASSA_SHOP_ID", "123")
    monkeypatch.setenv("YOOKASSA_SECRET_KEY", "live_x")
    monkeypatch.setenv("SECRET_KEY", "e" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@db/x")
    monkeypatch.setenv("ALLOWED_ORIGINS", '["https://ailingva.example"]')
    monkeypatch.setenv("PUBLIC_URL", "https://ailingva.example/")
    monkeypatch.setenv("SMTP_HOST", "smtp.ailingva.example")
    monkeypatch.setenv("SMTP_PORT", "2525")
    monkeypatch.setenv("SMTP_STARTTLS", "false")
    settings = Settings(data_dir=tmp_path)
    assert settings.database_url == "postgresql+psycopg://u@db/x"
    assert settings.allowed_origins == ["https://ailingva.example"]
    assert settings.mail_link_base == "https://ailingva.example"
    assert (settings.smtp_host, settings.smtp_port) == ("smtp.ailingva.example", 2525)
    assert settings.smtp_starttls is False


def _production(tmp_path: Path, **values: Any) -> Settings:
    payments: dict[str, Any] = {"yookassa_shop_id": "1", "yookassa_secret_key": "s"}
    return Settings(
        environment="production",
        secret_key="k" * 48,
        data_dir=tmp_path,
        payment_provider="yookassa",
        **payments,
        **values,
    )


def test_production_needs_the_public_url_for_links_in_mails(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="PUBLIC_URL"):
        _production(tmp_path)
    assert _production(tmp_path, public_url="https://a.example").public_url == "https://a.example"
    development = Settings(environment="development", data_dir=tmp_path)
    assert development.mail_link_base == "http://127.0.0.1:8000"


def test_production_refuses_an_smtp_password_in_clear_text(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="SMTP_STARTTLS"):
        _production(tmp_path, public_url="https://a.example", smtp_user="u", smtp_starttls=False)
