"""The text tutor: `POST /api/tutor/message`."""

from __future__ import annotations

import base64
import io
import wave
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from ailingva.lessons.models import LessonTurn, Pipeline, TurnRole
from ailingva.providers.base import ProviderError, ProviderErrorCode
from ailingva.providers.fake import FakeLLM, FakeTTS
from tests.conftest import register
from tests.tutor.conftest import MISTAKE, REPLY, RecordingLLM


def test_message_answers_with_reply_and_correction(client: TestClient, engine: Engine) -> None:
    register(client)
    response = client.post("/api/tutor/message", json={"text": MISTAKE})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["reply"] == REPLY
    assert body["lesson_number"] == 1
    assert "audio_base64" not in body
    fix = next(c for c in body["corrections"] if c["original"] == "goed")
    assert fix["correction"] == "went"
    assert fix["category"] == "verb_form"
    assert MISTAKE[fix["start"] : fix["end"]] == "goed"
    assert any("а" <= ch <= "я" for ch in fix["explanation"].lower())

    with Session(engine) as db:
        turns = db.exec(
            select(LessonTurn).where(
                LessonTurn.lesson_id == body["lesson_id"],
                LessonTurn.pipeline == Pipeline.STREAMING,
            )
        ).all()
    student, tutor = sorted(turns, key=lambda t: t.seq)
    assert (student.role, student.pipeline, student.text) == (
        TurnRole.STUDENT,
        Pipeline.STREAMING,
        MISTAKE,
    )
    assert student.corrections[0]["correction"] == "went"
    assert "grammar" in student.timings
    assert tutor.role == TurnRole.TUTOR and tutor.text == REPLY
    assert {"llm_first_token", "total"} <= set(tutor.timings)


def test_speak_returns_the_reply_as_wav(client: TestClient) -> None:
    register(client)
    body = client.post("/api/tutor/message", json={"text": "Hello there!", "speak": True}).json()
    with wave.open(io.BytesIO(base64.b64decode(body["audio_base64"]))) as wav:
        assert wav.getnchannels() == 1 and wav.getsampwidth() == 2
        frames = wav.readframes(wav.getnframes())
    assert len(frames) > 16_000  # seconds of (fake) speech, not an empty file
    assert any(frames)


def test_lesson_continues_and_the_model_sees_its_history(
    client: TestClient, use_providers: Callable[..., Any]
) -> None:
    register(client)
    llm = RecordingLLM()
    use_providers(llm=llm)
    first = client.post("/api/tutor/message", json={"text": "I like football."}).json()
    second = client.post(
        "/api/tutor/message", json={"text": "I play it every day.", "lesson_id": first["lesson_id"]}
    ).json()
    assert second["lesson_id"] == first["lesson_id"]
    prompt = llm.prompts[-1]
    assert prompt[0].role == "system" and "Russian-speaking" in prompt[0].content
    assert [m.content for m in prompt[-3:-1]] == ["I like football.", REPLY]
    assert prompt[-1].content == "I play it every day."

    lessons = client.get("/api/tutor/lessons").json()
    assert lessons["total"] == 1 and lessons["items"][0]["turn_count"] == 4
    detail = client.get(f"/api/tutor/lessons/{first['lesson_id']}").json()
    assert [t["role"] for t in detail["turns"]] == ["student", "tutor", "student", "tutor"]


def test_findings_go_into_the_prompt_for_a_recast(
    client: TestClient, use_providers: Callable[..., Any]
) -> None:
    register(client)
    llm = RecordingLLM()
    use_providers(llm=llm)
    client.post("/api/tutor/message", json={"text": MISTAKE})
    assert '"goed" -> "went"' in llm.prompts[-1][-1].content


def test_the_next_prompt_repeats_the_last_one_so_the_models_cache_holds(
    client: TestClient, use_providers: Callable[..., Any]
) -> None:
    """The model caches the prompt it last read: the next turn's prompt must start with it
    exactly (the notes sent with the student's words included), or the model reads it again."""
    register(client)
    llm = RecordingLLM()
    use_providers(llm=llm)
    first = client.post("/api/tutor/message", json={"text": MISTAKE}).json()
    client.post("/api/tutor/message", json={"text": "It was fun.", "lesson_id": first["lesson_id"]})
    earlier, later = llm.prompts
    assert "goed" in earlier[-1].content and earlier[-1].content != MISTAKE  # notes were sent
    assert later[: len(earlier)] == earlier
    assert later[len(earlier)].content == REPLY


def test_bad_messages_are_refused_with_a_code(client: TestClient) -> None:
    assert client.post("/api/tutor/message", json={"text": "Hi"}).status_code == 401
    register(client)
    for body in ({"text": ""}, {"text": "   "}, {"text": "x" * 1001}, {}, {"text": 5}):
        response = client.post("/api/tutor/message", json=body)
        assert response.status_code == 422, body
        assert response.json()["error"]["code"] == "validation_error"
    huge_id = client.post("/api/tutor/message", json={"text": "Hi", "lesson_id": 2**40})
    assert huge_id.status_code == 422


def test_a_failing_model_is_a_clear_503_and_nothing_is_stored(
    client: TestClient, use_providers: Callable[..., Any], engine: Engine
) -> None:
    register(client)
    error = ProviderError(ProviderErrorCode.UNAVAILABLE, "down", provider="fake:llm")
    use_providers(llm=FakeLLM(error=error))
    response = client.post("/api/tutor/message", json={"text": "Hello"})
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "tutor_unavailable"
    with Session(engine) as db:
        assert db.exec(select(LessonTurn)).all() == []


def test_failing_speech_still_gives_the_reply(
    client: TestClient, use_providers: Callable[..., Any]
) -> None:
    register(client)
    error = ProviderError(ProviderErrorCode.UNAVAILABLE, "down", provider="fake:tts")
    use_providers(tts=FakeTTS(error=error))
    body = client.post("/api/tutor/message", json={"text": "Hello", "speak": True}).json()
    assert body["reply"] == REPLY
    assert "audio_base64" not in body


def test_each_student_turn_is_handed_to_the_brain(client: TestClient, app: FastAPI) -> None:
    register(client)
    calls: list[tuple[str, dict[str, Any]]] = []

    async def record(job: str, /, **kwargs: Any) -> None:
        calls.append((job, kwargs))

    app.state.jobs.enqueue = record
    body = client.post("/api/tutor/message", json={"text": MISTAKE}).json()
    assert calls == [("analyse_turn", {"turn_id": body["student_turn_id"]})]
    client.post(f"/api/tutor/lessons/{body['lesson_id']}/end")
    assert calls[-1] == ("summarise_lesson", {"lesson_id": body["lesson_id"]})
