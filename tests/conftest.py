"""Shared fixtures: a migrated database (SQLite, or PostgreSQL when TEST_DATABASE_URL says so),
an app per test, and helpers to sign people up."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from ailingva.core.config import PROJECT_ROOT, Settings
from ailingva.core.db import make_engine
from ailingva.main import create_app
from ailingva.providers.local.manifest import TEST_SET
from ailingva.providers.local.pull import pull_models
from ailingva.providers.settings import ProviderSettings
from ailingva.tables import metadata

# The brain's deep grammar pass loads a language model; tests that want it pass one explicitly.
os.environ.setdefault("ANALYSIS_MODEL", "none")

TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"
STRONG_PASSWORD = "Correct horse 42 battery"


def alembic_config(database_url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("sqlalchemy.url", database_url)
    config.attributes["configure_logging"] = False
    return config


def _fresh_postgres_database(server_url: str) -> tuple[str, str]:
    """A new, empty database on the given server, so tests never touch anyone's data."""
    url = make_url(server_url)
    name = f"ailingva_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False), name


def _drop_postgres_database(server_url: str, name: str) -> None:
    admin = create_engine(make_url(server_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Browser tests last: Playwright's sync driver keeps an event loop running on this thread
    # for its session, which the async tests after it would otherwise trip over.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server_url = os.environ.get("TEST_DATABASE_URL")
    if server_url:
        url, name = _fresh_postgres_database(server_url)
        command.upgrade(alembic_config(url), "head")
        yield url
        _drop_postgres_database(server_url, name)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        command.upgrade(alembic_config(url), "head")
        yield url


@pytest.fixture(scope="session")
def is_postgres(database_url: str) -> bool:
    return database_url.startswith("postgresql")


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def seed_rows(engine: Engine) -> dict[str, list[dict[str, object]]]:
    """What the migrations put in (e.g. default packages): restored after every test."""
    with engine.connect() as conn:
        return {
            t.name: [dict(r._mapping) for r in conn.execute(t.select())]
            for t in metadata.sorted_tables
        }


@pytest.fixture(autouse=True)
def _fresh_data(engine: Engine, seed_rows: dict[str, list[dict[str, object]]]) -> Iterator[None]:
    yield
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())
        for table in metadata.sorted_tables:
            if seed_rows[table.name]:
                conn.execute(table.insert(), seed_rows[table.name])


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        environment="test",
        secret_key=TEST_SECRET,
        database_url=database_url,
        redis_url=None,
        data_dir=tmp_path,
        frontend_dist=tmp_path / "no-dist",
    )


# Deterministic engines: the fast suites test our code, the `models` suite the real engines.
FAKE_PROVIDERS = ProviderSettings(stt_provider="fake", llm_provider="fake", tts_provider="fake")


def local_providers(models_dir: Path) -> ProviderSettings:
    """The real local engines with the small test models (see `models_dir`)."""
    return ProviderSettings(
        stt_provider="local",
        llm_provider="local",
        tts_provider="local",
        models_dir=models_dir,
        local_stt_model="whisper-tiny-en",
        local_llm_model="smollm2-135m",
        local_tts_voice="piper-joe",
    )


@pytest.fixture
def app(settings: Settings, engine: Engine) -> FastAPI:
    return create_app(settings, FAKE_PROVIDERS)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def make_client(app: FastAPI) -> Iterator[object]:
    """Extra clients (separate cookie jars) on the same app."""
    clients: list[TestClient] = []

    def factory() -> TestClient:
        c = TestClient(app)
        c.__enter__()
        clients.append(c)
        return c

    yield factory
    for c in clients:
        c.__exit__(None, None, None)


@pytest.fixture(scope="session")
def models_dir() -> Path:
    """The small test models, pulled through the project's own pull code (cached across runs)."""
    directory = Path(os.environ.get("MODELS_DIR", PROJECT_ROOT / "models"))
    pull_models(TEST_SET, directory)
    return directory


def wait_until(condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    """Poll `condition` until it holds; fail after `timeout` seconds (never a bare sleep)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise TimeoutError(f"timed out after {timeout}s waiting for {what}")


@dataclass
class Account:
    email: str
    password: str
    name: str
    id: int


def make_admin(engine: Engine) -> str:
    """A new admin account; returns its email (the password is STRONG_PASSWORD)."""
    from sqlmodel import Session

    from ailingva.signup.service import ensure_admin

    email = unique_email("admin")
    with Session(engine) as db:
        ensure_admin(db, email=email, password=STRONG_PASSWORD)
        db.commit()
    return email


def login(client: TestClient, email: str, password: str = STRONG_PASSWORD) -> None:
    response = client.post("/api/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text


def unique_email(prefix: str = "student") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}@example.com"


def register(
    client: TestClient,
    *,
    email: str | None = None,
    password: str = STRONG_PASSWORD,
    name: str = "Аня",
) -> Account:
    email = email or unique_email()
    response = client.post(
        "/api/auth/register", json={"email": email, "password": password, "name": name}
    )
    assert response.status_code == 201, response.text
    return Account(email=email, password=password, name=name, id=response.json()["id"])
