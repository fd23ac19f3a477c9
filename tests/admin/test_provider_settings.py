"""`GET/PUT /api/admin/settings`: providers switched at run time; API keys sealed and masked."""

from __future__ import annotations

import json
import logging

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from ailingva.core.app_settings import AppSetting
from ailingva.core.config import Settings
from ailingva.core.security import SecretBox
from ailingva.main import create_app
from tests.conftest import FAKE_PROVIDERS, TEST_SECRET, login, make_admin, register

KEY = "sk-test-0123456789-secret-abcd"
TO_OPENAI = {"llm_provider": "openai", "openai_api_key": KEY}
ROTATED = "another-secret-key-" * 3


@pytest.fixture
def admin(client: TestClient, engine: Engine) -> TestClient:
    login(client, make_admin(engine))
    return client


def _items(response_json: dict) -> dict[str, dict]:  # type: ignore[type-arg]
    return {item["key"]: item for item in response_json["items"]}


def test_students_and_strangers_cannot_touch_settings(client: TestClient) -> None:
    assert client.get("/api/admin/settings").status_code == 401
    register(client)
    assert client.get("/api/admin/settings").status_code == 403
    response = client.put("/api/admin/settings", json={"values": {"llm_provider": "fake"}})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_admin_switches_the_model_provider(
    admin: TestClient, app: FastAPI, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    before = admin.get("/api/admin/settings").json()
    assert before["active"]["llm"] == "fake:llm"
    response = admin.put(
        "/api/admin/settings",
        json={
            "values": {
                "llm_provider": "openai",
                "openai_api_key": KEY,
                "openai_base_url": "http://127.0.0.1:9/v1",
                "openai_llm_model": "gpt-4o-mini",
            }
        },
    )
    assert response.status_code == 200, response.text
    assert response.json()["active"]["llm"].startswith("openai")
    # The answer shows the values just stored, not the set it replaces.
    assert _items(response.json())["llm_provider"]["value"] == "openai"
    assert _items(response.json())["openai_api_key"]["value"] == "…abcd"
    assert app.state.providers.current.llm.name.startswith("openai")

    items = _items(admin.get("/api/admin/settings").json())
    assert items["openai_api_key"] == {
        "key": "openai_api_key",
        "value": "…abcd",
        "is_secret": True,
        "overridden": True,
    }
    assert items["llm_provider"]["value"] == "openai"
    assert KEY not in response.text and KEY not in caplog.text

    with Session(engine) as db:
        row = db.get(AppSetting, "providers.openai_api_key")
        assert row is not None and row.is_secret
        assert KEY not in str(row.value)
        # Sealed with the host it was entered for.
        sealed = json.loads(SecretBox(TEST_SECRET).decrypt(row.value["ciphertext"]))
        assert sealed == {"key": KEY, "origins": ["http://127.0.0.1:9"]}


def test_a_restarted_app_keeps_the_admins_choice(admin: TestClient, settings: Settings) -> None:
    admin.put(
        "/api/admin/settings", json={"values": {"llm_provider": "openai", "openai_api_key": KEY}}
    )
    with TestClient(create_app(settings, FAKE_PROVIDERS)) as restarted:
        assert restarted.app.state.providers.current.llm.name.startswith("openai")  # type: ignore[attr-defined]
    with TestClient(
        create_app(
            settings.model_copy(update={"secret_key": "another-secret-key-" * 3}), FAKE_PROVIDERS
        )
    ) as rotated_without_old_key:
        # The sealed key cannot be opened: the stored choice is set aside, the app still runs.
        providers = rotated_without_old_key.app.state.providers  # type: ignore[attr-defined]
        assert providers.current.llm.name == "fake:llm"
    rotated = settings.model_copy(
        update={"secret_key": ROTATED, "previous_secret_keys": [TEST_SECRET]}
    )
    with TestClient(create_app(rotated, FAKE_PROVIDERS)) as with_old_key:
        assert with_old_key.app.state.providers.current.llm.name.startswith("openai")  # type: ignore[attr-defined]


def test_null_puts_a_setting_back(admin: TestClient, app: FastAPI) -> None:
    admin.put(
        "/api/admin/settings", json={"values": {"llm_provider": "openai", "openai_api_key": KEY}}
    )
    response = admin.put("/api/admin/settings", json={"values": {"llm_provider": None}})
    assert response.status_code == 200
    assert app.state.providers.current.llm.name == "fake:llm"
    assert _items(response.json())["llm_provider"]["overridden"] is False


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"no_such_thing": 1}, "unknown_setting"),
        ({"models_dir": "/etc"}, "unknown_setting"),
        ({"stt_provider": "nope"}, "invalid_setting"),
        ({"llm_provider": "yandex"}, "invalid_setting"),  # Yandex has no chat model here
        ({"local_threads": "many"}, "invalid_setting"),
    ],
)
def test_bad_settings_are_refused_and_nothing_changes(
    admin: TestClient,
    app: FastAPI,
    engine: Engine,
    values: dict[str, object],
    code: str,
) -> None:
    response = admin.put("/api/admin/settings", json={"values": values})
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == code
    assert app.state.providers.current.llm.name == "fake:llm"
    with Session(engine) as db:
        assert db.get(AppSetting, "providers.stt_provider") is None
        assert db.get(AppSetting, "providers.llm_provider") is None


def test_after_a_key_rotation_the_admin_sees_the_settings_and_enters_the_key_again(
    admin: TestClient, engine: Engine, settings: Settings
) -> None:
    admin.put("/api/admin/settings", json={"values": TO_OPENAI})
    rotated = settings.model_copy(update={"secret_key": ROTATED})
    with TestClient(create_app(rotated, FAKE_PROVIDERS)) as fresh:
        login(fresh, make_admin(engine))
        listed = fresh.get("/api/admin/settings")
        assert listed.status_code == 200
        assert _items(listed.json())["openai_api_key"]["overridden"] is True
        # Changing something else needs the unreadable key: a clear error, not a 500.
        other = fresh.put("/api/admin/settings", json={"values": {"openai_llm_model": "x"}})
        assert other.status_code == 422
        assert other.json()["error"]["code"] == "invalid_setting"
        again = fresh.put("/api/admin/settings", json={"values": {"openai_api_key": KEY}})
        assert again.status_code == 200, again.text
        assert fresh.app.state.providers.current.llm.name.startswith("openai")  # type: ignore[attr-defined]
