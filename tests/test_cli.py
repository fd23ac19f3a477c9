"""The `ailingva` command: migrate, create-admin, openapi."""

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from ailingva.cli import app as cli
from ailingva.core.config import get_settings
from tests.conftest import STRONG_PASSWORD, TEST_SECRET, unique_email

runner = CliRunner()


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, database_url: str, tmp_path: Path) -> Iterator[None]:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SECRET_KEY", TEST_SECRET)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_create_admin_then_sign_in_as_admin(cli_env: None, client: TestClient) -> None:
    email = unique_email("admin")
    result = runner.invoke(cli, ["create-admin", "--email", email, "--password", STRONG_PASSWORD])
    assert result.exit_code == 0, result.output
    login = client.post("/api/auth/login", json={"email": email, "password": STRONG_PASSWORD})
    assert login.status_code == 200 and login.json()["role"] == "admin"
    assert client.get("/api/admin/users").status_code == 200

    # Running it again promotes/updates instead of failing.
    again = runner.invoke(cli, ["create-admin", "--email", email, "--password", STRONG_PASSWORD])
    assert again.exit_code == 0, again.output


def test_create_admin_refuses_a_weak_password(cli_env: None) -> None:
    args = ["create-admin", "--email", unique_email(), "--password", "12345678"]
    result = runner.invoke(cli, args)
    assert result.exit_code != 0
    assert "простой" in result.output


def test_migrate_is_idempotent(cli_env: None) -> None:
    result = runner.invoke(cli, ["migrate"])
    assert result.exit_code == 0, result.output


def test_openapi_lists_the_auth_routes(cli_env: None, tmp_path: Path) -> None:
    out = tmp_path / "openapi.json"
    assert runner.invoke(cli, ["openapi", "--out", str(out)]).exit_code == 0
    schema = json.loads(out.read_text())
    assert {"/api/auth/register", "/api/auth/login", "/api/auth/me"} <= set(schema["paths"])
    assert "UserPublic" in schema["components"]["schemas"]


def test_serve_migrates_first_and_starts_the_asked_number_of_processes(
    cli_env: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    database = tmp_path / "fresh.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{database}")
    get_settings.cache_clear()
    started: dict[str, Any] = {}
    # uvicorn itself is run for real by tests/deploy; here only what it is handed counts.
    monkeypatch.setattr("ailingva.cli.uvicorn.run", lambda app, **options: started.update(options))
    result = runner.invoke(cli, ["serve", "--migrate", "--workers", "3", "--port", "8123"])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchone() is not None
    assert started["workers"] == 3 and started["port"] == 8123 and started["factory"] is True
    assert started["timeout_worker_healthcheck"] >= 30  # a busy machine starts workers slowly
    assert "ailingva" in started["log_config"]["loggers"]  # model pulls show in the log
    assert "3 processes" in result.output


def test_serve_refuses_reload_with_several_workers(cli_env: None) -> None:
    result = runner.invoke(cli, ["serve", "--reload", "--workers", "2"])
    assert result.exit_code != 0
    assert "--reload" in result.output
