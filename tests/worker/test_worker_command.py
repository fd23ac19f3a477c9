"""`ailingva worker` needs Redis: without REDIS_URL it says so instead of idling."""

import pytest
from typer.testing import CliRunner

from ailingva.cli import app
from ailingva.core.config import get_settings


def test_the_worker_command_explains_that_it_needs_redis(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("REDIS_URL", "")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["worker"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert "REDIS_URL is not set" in result.output
