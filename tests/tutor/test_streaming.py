"""The tutor's answer as it is made: `POST /api/tutor/message/stream`, one NDJSON line each."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from ailingva.providers.base import ProviderError, ProviderErrorCode
from ailingva.providers.fake import FakeLLM
from ailingva.tutor import service
from tests.conftest import register
from tests.tutor.conftest import MISTAKE, REPLY


def _lines(response: Any) -> list[dict[str, Any]]:
    return [json.loads(line) for line in response.text.splitlines() if line]


def test_stream_sends_corrections_deltas_audio_then_done(client: TestClient) -> None:
    register(client)
    response = client.post("/api/tutor/message/stream", json={"text": MISTAKE, "speak": True})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    events = _lines(response)
    kinds = [e["type"] for e in events]
    assert kinds[0] == "lesson" and kinds[1] == "corrections" and kinds[-1] == "done"
    assert "".join(e["text"] for e in events if e["type"] == "delta") == REPLY
    sentences = [e["sentence"] for e in events if e["type"] == "audio"]
    assert sentences == [0, 1, 2]  # "Great job!" / "You went to the park." / "What did ...?"
    assert kinds.index("audio") < kinds.index("done")
    done = events[-1]["result"]
    assert done["reply"] == REPLY and done["corrections"][0]["correction"] == "went"


def test_stream_reports_a_model_failure_as_an_error_line(
    client: TestClient, use_providers: Callable[..., Any]
) -> None:
    register(client)
    error = ProviderError(ProviderErrorCode.TIMEOUT, "slow", provider="fake:llm")
    use_providers(llm=FakeLLM(error=error))
    events = _lines(client.post("/api/tutor/message/stream", json={"text": "Hello"}))
    assert events[-1] == {
        "type": "error",
        "code": "tutor_unavailable",
        "message": events[-1]["message"],
    }
    assert all(e["type"] != "done" for e in events)


def test_stream_refuses_a_bad_lesson_before_streaming(client: TestClient) -> None:
    register(client)
    response = client.post("/api/tutor/message/stream", json={"text": "Hi", "lesson_id": 999})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "lesson_not_found"


def test_a_database_error_mid_stream_ends_it_with_an_error_line(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After the 200 the stream still ends with a line the client reads (it was cut, with
    neither `done` nor `error`), and nothing of the exchange is stored."""
    register(client)

    def database_gone(*_: object) -> None:
        raise OperationalError("INSERT INTO lesson_turn ...", {}, Exception("connection lost"))

    monkeypatch.setattr(service, "record_exchange", database_gone)
    response = client.post("/api/tutor/message/stream", json={"text": MISTAKE})
    assert response.status_code == 200
    events = _lines(response)
    assert events[0]["type"] == "lesson" and events[-1]["type"] == "error", events
    assert events[-1]["code"] == "internal_error"
    lesson = client.get(f"/api/tutor/lessons/{events[0]['lesson_id']}").json()
    assert lesson["turns"] == []
