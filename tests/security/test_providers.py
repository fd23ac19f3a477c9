"""Finding 3 of issue #17: a stored provider key can be sent to any host. Fixed: a key is bound
to the hosts it was entered for."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine
from sqlmodel import Session

from ailingva.core.app_settings import put_setting
from ailingva.core.config import Settings
from ailingva.main import create_app
from tests.conftest import FAKE_PROVIDERS, login, make_admin, register
from tests.security.conftest import listener_on

KEY = "sk-stored-0123456789-secret-wxyz"


def _recording(seen: list[str]) -> type[BaseHTTPRequestHandler]:
    """Records every header value it is sent; answers 401 (no retries from the clients)."""

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            seen.extend(self.headers.values())
            body = b'{"error": {"message": "no", "type": "invalid_request_error"}}'
            self.send_response(401)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.mark.parametrize(
    ("stored", "url_field", "path", "message"),
    [
        (
            {"llm_provider": "openai", "openai_api_key": KEY},
            "openai_base_url",
            "/v1",
            {"text": "Hello there."},
        ),
        (
            {"tts_provider": "yandex", "yandex_api_key": KEY},
            "yandex_tts_url",
            "/speech/v1/tts:synthesize",
            {"text": "Hello there.", "speak": True},
        ),
    ],
)
def test_a_stored_key_is_never_sent_to_another_host(
    client: TestClient,
    engine: Engine,
    stored: dict[str, str],
    url_field: str,
    path: str,
    message: dict[str, Any],
) -> None:
    """Seen: the key stored, then `PUT /api/admin/settings` with only a new base URL (no key),
    then any tutor message: the new host got `Authorization: Bearer <the key>` (the same for
    the Yandex URLs), so a stolen admin cookie is enough to read the key. Fixed: a key is
    bound to its host: changing the host without entering the key again is refused with a
    coded 422, or drops the stored key; the new host never sees it."""
    # One client (one lifespan, one event loop): the admin first, then a student.
    admin = client
    login(admin, make_admin(engine))
    trusted: list[str] = []
    other: list[str] = []
    with (
        listener_on("127.0.0.1", _recording(trusted)) as trusted_url,
        listener_on("127.0.0.2", _recording(other)) as other_url,
    ):
        saved = admin.put(
            "/api/admin/settings", json={"values": {**stored, url_field: trusted_url + path}}
        )
        assert saved.status_code == 200, saved.text
        moved = admin.put("/api/admin/settings", json={"values": {url_field: other_url + path}})
        if moved.status_code == 422:
            assert moved.json()["error"]["code"]
        else:
            assert moved.status_code == 200, moved.text
        client.cookies.clear()
        register(client)
        client.post("/api/tutor/message", json=message)
    assert not [value for value in other if KEY in value]


def _in_force(admin: TestClient) -> dict[str, Any]:
    listed = admin.get("/api/admin/settings")
    assert listed.status_code == 200, listed.text
    return {item["key"]: item["value"] for item in listed.json()["items"]}


@pytest.mark.parametrize(
    ("stored", "url_field"),
    [
        ({"llm_provider": "openai", "openai_api_key": KEY}, "openai_base_url"),
        ({"stt_provider": "yandex", "yandex_api_key": KEY}, "yandex_stt_url"),
        ({"tts_provider": "yandex", "yandex_api_key": KEY}, "yandex_tts_url"),
    ],
)
def test_moving_a_url_to_another_host_needs_the_key_again(
    client: TestClient, engine: Engine, stored: dict[str, str], url_field: str
) -> None:
    """The URL alone is refused with a coded 422 and nothing changes; the URL with the key
    entered again is taken, and so is a move within the same host."""
    login(client, make_admin(engine))
    trusted = "https://models.example:8443/speech"
    saved = client.put("/api/admin/settings", json={"values": {**stored, url_field: trusted}})
    assert saved.status_code == 200, saved.text

    moved = client.put("/api/admin/settings", json={"values": {url_field: "https://evil.example/"}})
    assert moved.status_code == 422, moved.text
    assert moved.json()["error"]["code"] == "key_host_changed"
    assert KEY not in moved.text
    assert _in_force(client)[url_field] == trusted

    same_host = "https://MODELS.example:8443/other/path"
    assert (
        client.put("/api/admin/settings", json={"values": {url_field: same_host}}).status_code
        == 200
    )
    key_field = next(name for name in stored if name.endswith("_api_key"))
    again = client.put(
        "/api/admin/settings",
        json={"values": {url_field: "https://other.example/", key_field: KEY}},
    )
    assert again.status_code == 200, again.text
    assert _in_force(client)[key_field] == "…wxyz"


def test_a_url_changed_in_the_database_does_not_take_the_key_along(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    """The key is sealed with its hosts: a URL row rewritten behind the API's back (or a key
    from the environment under an admin's URL) leaves the key out of the set in force."""
    login(client, make_admin(engine))
    values = {"llm_provider": "openai", "openai_api_key": KEY}
    assert client.put("/api/admin/settings", json={"values": values}).status_code == 200
    with Session(engine) as db:
        put_setting(db, "providers.openai_base_url", "http://127.0.0.2:9/v1", updated_by_id=None)
        db.commit()
    with TestClient(create_app(settings, FAKE_PROVIDERS)) as restarted:
        in_force = restarted.app.state.providers.current.settings  # type: ignore[attr-defined]
        assert in_force.openai_base_url == "http://127.0.0.2:9/v1"
        assert in_force.openai_api_key is None

    from_environment = FAKE_PROVIDERS.model_copy(update={"openai_api_key": SecretStr(KEY)})
    assert from_environment.openai_api_key is not None
    moved = from_environment.with_overrides({"openai_base_url": "http://127.0.0.2:9/v1"})
    assert moved.openai_api_key is None
    kept = from_environment.with_overrides({"openai_base_url": "https://API.openai.com:443/v2"})
    assert kept.openai_api_key == from_environment.openai_api_key
