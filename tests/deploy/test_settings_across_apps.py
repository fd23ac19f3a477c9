"""Provider settings an admin changes through one app process reach the others on the same
database: on their own within seconds, and at once when an admin looks or changes them there."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from ailingva.core.config import Settings
from ailingva.main import PROVIDER_SETTINGS_POLL_SECONDS, create_app
from tests.conftest import FAKE_PROVIDERS, login, make_admin, wait_until


@pytest.fixture
def other_app(settings: Settings, engine: Engine) -> Iterator[FastAPI]:
    """A second app process on the same database (its own registry, its own poller)."""
    app = create_app(settings, FAKE_PROVIDERS)
    with TestClient(app):
        yield app


def _model(app: FastAPI) -> str:
    return str(app.state.providers.current.settings.openai_llm_model)


def _change(client: TestClient, engine: Engine, model: str) -> None:
    response = client.put("/api/admin/settings", json={"values": {"openai_llm_model": model}})
    assert response.status_code == 200, response.text


def test_another_process_takes_up_a_change_by_itself(
    client: TestClient, engine: Engine, other_app: FastAPI
) -> None:
    login(client, make_admin(engine))
    _change(client, engine, "model-one")
    wait_until(
        lambda: _model(other_app) == "model-one",
        timeout=PROVIDER_SETTINGS_POLL_SECONDS * 5,
        what="the other process to take up the change",
    )


def test_an_admin_on_another_process_sees_and_builds_on_the_last_change(
    client: TestClient, engine: Engine, other_app: FastAPI, app: FastAPI
) -> None:
    email = make_admin(engine)
    login(client, email)
    _change(client, engine, "model-one")
    with TestClient(other_app) as there:
        login(there, email)
        shown = {i["key"]: i["value"] for i in there.get("/api/admin/settings").json()["items"]}
        assert shown["openai_llm_model"] == "model-one"
        # A change there keeps the first one and reaches this process in turn.
        response = there.put("/api/admin/settings", json={"values": {"openai_tts_voice": "nova"}})
        assert response.status_code == 200
    mine = {i["key"]: i for i in client.get("/api/admin/settings").json()["items"]}
    assert mine["openai_tts_voice"]["value"] == "nova"
    assert mine["openai_llm_model"] == {
        "key": "openai_llm_model",
        "value": "model-one",
        "is_secret": False,
        "overridden": True,
    }
    assert _model(app) == "model-one"
