"""`POST /api/admin/settings/check` and `GET /api/admin/settings/options`: a tiny real call
through a provider, with the form's unsaved values, under the rules of saving."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from ailingva.admin import provider_check
from ailingva.admin.endpoints import CHECKS_PER_ADMIN
from ailingva.admin.provider_options import provider_options
from ailingva.core.config import Settings
from ailingva.main import create_app
from ailingva.providers.base import ProviderError, ProviderErrorCode
from ailingva.providers.fake import FakeLLM
from ailingva.providers.local.manifest import MODELS
from tests import live_process as live
from tests.conftest import FAKE_PROVIDERS, login, make_admin
from tests.openai_peer import PEER_TRANSCRIPT, Peer, openai_peer

KEY = "sk-check-0123456789-secret-wxyz"
OTHER_KEY = "sk-other-9876543210-secret-qrst"


@pytest.fixture
def peer() -> Iterator[Peer]:
    with openai_peer(KEY) as server:
        yield server


def check(admin: TestClient, capability: str, **values: object) -> dict:  # type: ignore[type-arg]
    response = admin.post(
        "/api/admin/settings/check", json={"capability": capability, "values": values}
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _to_peer(peer: Peer, key: str = KEY, **more: object) -> dict[str, object]:
    return {"openai_base_url": peer.url, "openai_api_key": key, **more}


def test_the_providers_in_force_answer_eachcheck(admin: TestClient) -> None:
    for capability in ("stt", "llm", "tts"):
        result = check(admin, capability)
        assert result["ok"] is True, result
        assert result["provider"] == "fake" and result["engine"] == f"fake:{capability}"
        assert isinstance(result["latency_ms"], int) and result["error"] is None
    assert "Распознано" in check(admin, "stt")["detail"]


def test_checks_an_openai_compatible_server_before_it_is_saved(
    admin: TestClient, peer: Peer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    values = _to_peer(peer, llm_provider="openai", openai_llm_model="tiny-model")
    response = admin.post("/api/admin/settings/check", json={"capability": "llm", "values": values})

    result = response.json()
    assert result["ok"] is True, result
    assert result["provider"] == "openai" and result["model"] == "tiny-model"
    assert result["engine"] == "openai:tiny-model"
    assert isinstance(result["latency_ms"], int) and result["latency_ms"] >= 0
    assert result["detail"] == "Ответ модели: «Hello!»"
    assert peer.calls == [("/v1/chat/completions", KEY)]
    # Checked, not saved: the model in force is still the fake one.
    assert admin.get("/api/admin/settings").json()["active"]["llm"] == "fake:llm"
    assert KEY not in response.text and KEY not in caplog.text


def test_checks_speech_to_text_and_speech_on_the_server(admin: TestClient, peer: Peer) -> None:
    stt = check(admin, "stt", **_to_peer(peer, stt_provider="openai"))
    tts = check(admin, "tts", **_to_peer(peer, tts_provider="openai", openai_tts_voice="nova"))
    assert stt["ok"] and stt["detail"].startswith(f"Распознано: «{PEER_TRANSCRIPT}»")
    assert stt["model"] == "whisper-1"
    assert tts["ok"] and tts["detail"] == "Сказано «Hello»: 0,4 с звука, 24000 Гц"
    assert [path for path, _ in peer.calls] == ["/v1/audio/transcriptions", "/v1/audio/speech"]


@pytest.mark.parametrize(
    ("status", "code", "words"),
    [
        (401, "provider_auth_failed", "не принял ключ"),
        (429, "provider_rate_limited", "ограничил число запросов"),
        (500, "provider_unavailable", "недоступен"),
        (404, "provider_unsupported", "не поддерживает"),
    ],
)
def test_a_failing_server_is_an_answer_with_its_error(
    admin: TestClient, status: int, code: str, words: str
) -> None:
    with openai_peer(KEY, status=status) as failing:
        result = check(admin, "llm", **_to_peer(failing, llm_provider="openai"))
    assert result["ok"] is False and result["latency_ms"] is None
    assert result["error"]["code"] == code
    assert words in result["error"]["message"]
    assert f"HTTP {status}" in result["detail"]  # the provider's own words


def test_a_server_that_echoes_the_key_does_not_get_it_into_the_answer_or_the_log(
    admin: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with openai_peer(KEY, status=401, echo_key=True) as echoing:
        response = admin.post(
            "/api/admin/settings/check",
            json={"capability": "llm", "values": _to_peer(echoing, llm_provider="openai")},
        )
        assert echoing.calls == [("/v1/chat/completions", KEY)]
    assert response.json()["error"]["code"] == "provider_auth_failed"
    assert "…wxyz" in response.json()["detail"]
    assert KEY not in response.text and KEY not in caplog.text


def test_an_unreachable_or_silent_server_fails_within_the_bound(
    admin: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    nowhere = f"http://127.0.0.1:{live.free_port()}/v1"
    result = check(admin, "llm", llm_provider="openai", openai_base_url=nowhere)
    assert result["error"]["code"] == "provider_unavailable"

    monkeypatch.setattr(provider_check, "CHECK_TIMEOUT_SECONDS", 0.3)
    with openai_peer(KEY, hang=True) as silent:
        result = check(admin, "llm", **_to_peer(silent, llm_provider="openai"))
    assert result["ok"] is False and result["error"]["code"] == "provider_timeout"
    assert "не ответил" in result["error"]["message"]


def test_a_provider_without_its_key_is_not_configured(admin: TestClient) -> None:
    result = check(admin, "stt", stt_provider="yandex")
    assert result["ok"] is False and result["engine"] is None
    assert result["error"]["code"] == "provider_not_configured"
    assert "YANDEX_API_KEY" in result["detail"]


def test_a_stored_key_is_not_sent_to_a_new_host_by_acheck(admin: TestClient, peer: Peer) -> None:
    saved = admin.put("/api/admin/settings", json={"values": _to_peer(peer, llm_provider="openai")})
    assert saved.status_code == 200, saved.text
    assert check(admin, "llm")["ok"] is True  # the stored key, to its own host
    with openai_peer(KEY) as elsewhere:
        moved = admin.post(
            "/api/admin/settings/check",
            json={"capability": "llm", "values": {"openai_base_url": elsewhere.url}},
        )
        assert moved.status_code == 422
        assert moved.json()["error"]["code"] == "key_host_changed"
        assert "введите ключ" in moved.json()["error"]["message"]
        assert elsewhere.calls == []
        # With the key entered again for the new host, the check goes there.
        again = check(admin, "llm", **_to_peer(elsewhere))
        assert again["ok"] is True and elsewhere.calls == [("/v1/chat/completions", KEY)]
    assert KEY not in moved.text


def test_speech_to_text_needs_the_speech_in_force_for_its_sample(admin: TestClient) -> None:
    nowhere = f"http://127.0.0.1:{live.free_port()}/v1"
    saved = admin.put(
        "/api/admin/settings",
        json={"values": {"tts_provider": "openai", "openai_base_url": nowhere}},
    )
    assert saved.status_code == 200, saved.text
    result = check(admin, "stt")
    assert result["ok"] is False and result["error"]["code"] == "check_sample_failed"
    assert "Сначала проверьте синтез речи" in result["error"]["message"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"capability": "vision"}, "validation_error"),
        ({"capability": "llm", "values": {"no_such_field": 1}}, "unknown_setting"),
        ({"capability": "llm", "values": {"llm_provider": "nope"}}, "invalid_setting"),
        ({"capability": "llm", "values": {"openai_timeout_seconds": "soon"}}, "invalid_setting"),
    ],
)
def test_invalid_input_is_refused(admin: TestClient, body: dict, code: str) -> None:  # type: ignore[type-arg]
    response = admin.post("/api/admin/settings/check", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == code


def test_checks_are_limited_per_admin(admin: TestClient) -> None:
    for _ in range(CHECKS_PER_ADMIN.count):
        check(admin, "llm")
    refused = admin.post("/api/admin/settings/check", json={"capability": "llm"})
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "too_many_attempts"
    assert 1 <= int(refused.headers["Retry-After"]) <= CHECKS_PER_ADMIN.seconds


def test_options_list_the_families_models_and_voices(admin: TestClient) -> None:
    options = admin.get("/api/admin/settings/options").json()
    providers = {c["capability"]: c["providers"] for c in options["capabilities"]}
    assert providers == {
        "stt": ["local", "openai", "yandex", "fake"],
        "llm": ["local", "openai", "fake"],
        "tts": ["local", "openai", "yandex", "fake"],
    }
    voices = options["voices"]
    assert [v["name"] for v in voices["openai"]] == [
        "alloy",
        "echo",
        "fable",
        "onyx",
        "nova",
        "shimmer",
    ]
    assert {"alena", "filipp", "john"} <= {v["name"] for v in voices["yandex"]}
    assert [v["name"] for v in voices["local"]] == ["piper-joe"]
    assert {v["name"] for v in voices["local_ru"]} == {"espeak-ru", "festival-ru"}
    # Every model a provider setting can pick; not the end-of-turn model.
    choosable = {name for name, spec in MODELS.items() if spec.kind in ("stt", "llm", "tts")}
    assert {m["name"] for m in options["local_models"]} == choosable
    assert "smart-turn-v3.2" not in choosable


def test_options_say_which_models_are_pulled_and_hide_the_fakes_in_production(
    tmp_path: Path,
) -> None:
    spec = MODELS["smollm2-135m"]
    for file in spec.files:  # the right sizes, without the bytes
        path = spec.directory(tmp_path) / file.path
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as out:
            out.truncate(file.size)
    options = provider_options(tmp_path, offer_fake=False)
    installed = {m.name: m.installed for m in options.local_models}
    assert installed["smollm2-135m"] is True
    assert not any(v for name, v in installed.items() if name != "smollm2-135m")
    assert all("fake" not in c.providers for c in options.capabilities)


def test_students_cannot_check_or_list(client: TestClient) -> None:
    assert client.post("/api/admin/settings/check", json={"capability": "llm"}).status_code == 401
    assert client.get("/api/admin/settings/options").status_code == 401


def test_a_local_model_not_pulled_is_named_with_the_command_to_pull_it(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    empty = FAKE_PROVIDERS.model_copy(update={"models_dir": tmp_path})
    with TestClient(create_app(settings, empty)) as client:
        login(client, make_admin(engine))
        result = check(client, "llm", llm_provider="local")
    assert result["ok"] is False and result["error"]["code"] == "model_missing"
    assert "ailingva models pull" in result["error"]["message"]
    assert result["model"] == "qwen2.5-coder-1.5b"


class _Unloadable(FakeLLM):
    async def warm_up(self) -> None:
        raise RuntimeError("bad magic number in model file")


async def test_a_model_that_will_not_load_is_an_engine_failure() -> None:
    with pytest.raises(ProviderError) as caught:
        await provider_check._loaded(_Unloadable())
    assert caught.value.code == ProviderErrorCode.ENGINE_FAILED
    assert "bad magic number" in caught.value.message
