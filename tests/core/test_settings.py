"""SECRET_KEY: refused when missing or a placeholder outside development."""

from pathlib import Path

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
    settings = Settings(data_dir=tmp_path)
    assert settings.database_url == "postgresql+psycopg://u@db/x"
    assert settings.allowed_origins == ["https://ailingva.example"]
