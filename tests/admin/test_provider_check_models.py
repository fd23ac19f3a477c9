"""The provider check against real engines: the local models, and llama.cpp's server as an
OpenAI-compatible peer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from ailingva.admin import provider_check
from ailingva.core.config import Settings
from ailingva.main import create_app
from ailingva.providers.local.manifest import MODELS
from tests import live_process as live
from tests.admin.test_provider_check import check
from tests.conftest import local_providers, login, make_admin

pytestmark = pytest.mark.models


@pytest.fixture
def local_admin(
    settings: Settings, engine: Engine, models_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    # The machine may be busy with other work: these tests are about answers, not speed.
    monkeypatch.setattr(provider_check, "CHECK_TIMEOUT_SECONDS", 120.0)
    with TestClient(create_app(settings, local_providers(models_dir))) as client:
        login(client, make_admin(engine))
        yield client


def test_the_local_engines_answer_their_checks(local_admin: TestClient) -> None:
    stt, llm, tts = (check(local_admin, capability) for capability in ("stt", "llm", "tts"))
    # Whisper hears what Piper, the speech in force, said.
    assert stt["ok"] is True, stt
    assert stt["engine"] == "local:whisper-tiny-en" and stt["model"] == "whisper-tiny-en"
    assert "hello" in stt["detail"].lower()
    assert llm["ok"] is True and llm["engine"] == "local:smollm2-135m", llm
    assert tts["ok"] is True and tts["detail"].endswith("с звука, 22050 Гц"), tts


def test_checks_llama_cpp_server_as_an_openai_compatible_model(
    local_admin: TestClient, models_dir: Path, tmp_path: Path
) -> None:
    model = MODELS["smollm2-135m"].main_file(models_dir)
    with live.llama_server(model, tmp_path / "server.log") as base_url:
        result = check(
            local_admin,
            "llm",
            llm_provider="openai",
            openai_base_url=base_url,
            openai_api_key="local-server-key-0123",
            openai_llm_model="smollm2",
        )
    assert result["ok"] is True, result
    assert result["engine"] == "openai:smollm2" and result["detail"].startswith("Ответ модели: «")
    assert isinstance(result["latency_ms"], int)
