"""A lesson is one conversation, typed and spoken: stopping the microphone (or leaving the
page) leaves it open, a new voice session and the typed chat join it, and an ended lesson is
never joined."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.websockets import WebSocketDisconnect

from ailingva.core.db import session_scope, utcnow
from ailingva.lessons.models import Lesson, LessonStatus
from ailingva.providers.fake import FAKE_TRANSCRIPT
from tests.conftest import register, wait_until
from tests.voice.test_ws import receive_until, speak, start

TYPED = "I have two cats."


def _typed(client: TestClient, text: str = TYPED, **fields: Any) -> dict[str, Any]:
    response = client.post("/api/tutor/message", json={"text": text, **fields})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _voice_turn(client: TestClient, **start_fields: Any) -> dict[str, Any]:
    """One spoken turn in a new voice session, then the microphone is stopped."""
    with client.websocket_connect("/ws/voice") as ws:
        started = start(ws, **start_fields)
        speak(ws)
        completed = receive_until(ws, "turn_completed")
        assert completed["lesson_id"] == started["lesson_id"]
        ws.send_json({"type": "stop"})
        assert receive_until(ws, "session_ended")["reason"] == "stopped"
    return started


def _lesson(engine: Engine, lesson_id: int) -> Lesson:
    with Session(engine) as db:
        lesson = db.get(Lesson, lesson_id)
        assert lesson is not None
        return lesson


def test_speak_stop_type_speak_again_is_one_lesson(client: TestClient, engine: Engine) -> None:
    register(client)
    first = _voice_turn(client)
    assert first["lesson_number"] == 1
    lesson = _lesson(engine, first["lesson_id"])
    assert lesson.status == LessonStatus.ACTIVE and lesson.summary is None

    # The typed chat, told no lesson, joins the open one; so does the next voice session.
    typed = _typed(client)
    assert (typed["lesson_id"], typed["lesson_number"]) == (first["lesson_id"], 1)
    again = _voice_turn(client)
    assert again["lesson_id"] == first["lesson_id"]
    assert _voice_turn(client, lesson_id=first["lesson_id"])["lesson_number"] == 1

    opened = client.get("/api/tutor/lessons/open").json()
    assert opened["id"] == first["lesson_id"] and opened["status"] == "active"
    students = [t["text"] for t in opened["turns"] if t["role"] == "student"]
    assert students == [FAKE_TRANSCRIPT, TYPED, FAKE_TRANSCRIPT, FAKE_TRANSCRIPT]
    assert any(c["original"] == "goed" for c in opened["turns"][0]["corrections"])
    assert client.get("/api/tutor/lessons").json()["total"] == 1


def test_leaving_mid_turn_leaves_the_lesson_to_come_back_to(
    client: TestClient, engine: Engine
) -> None:
    register(client)
    with client.websocket_connect("/ws/voice") as ws:
        lesson_id = start(ws)["lesson_id"]
        speak(ws)
        receive_until(ws, "turn_completed")
        speak(ws)
        receive_until(ws, "reply_sentence")  # the page is reloaded while the tutor speaks

    def settled() -> bool:
        detail = client.get("/api/tutor/lessons/open").json()
        return detail is not None and detail["turn_count"] in (2, 4)

    wait_until(settled, timeout=10, what="the session to settle")
    assert _lesson(engine, lesson_id).status == LessonStatus.ACTIVE
    with client.websocket_connect("/ws/voice") as ws:
        assert start(ws)["lesson_id"] == lesson_id


def test_an_ended_lesson_is_never_joined(client: TestClient) -> None:
    register(client)
    lesson_id = _voice_turn(client)["lesson_id"]
    assert client.post(f"/api/tutor/lessons/{lesson_id}/end").json()["status"] == "ended"
    assert client.get("/api/tutor/lessons/open").json() is None

    with (
        pytest.raises(WebSocketDisconnect) as closed,
        client.websocket_connect("/ws/voice") as ws,
    ):
        ws.send_json({"type": "start", "lesson_id": lesson_id})
        assert receive_until(ws, "error")["code"] == "lesson_ended"
        ws.receive_text()
    assert closed.value.code == 4400
    refused = client.post("/api/tutor/message", json={"text": TYPED, "lesson_id": lesson_id})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "lesson_ended"

    second = _voice_turn(client)
    assert second["lesson_number"] == 2
    assert _typed(client)["lesson_id"] == second["lesson_id"]


def test_a_live_voice_session_keeps_its_lesson_from_going_idle(
    client: TestClient, app: FastAPI, engine: Engine
) -> None:
    app.state.voice_config = replace(app.state.voice_config, minute_seconds=0.3)
    register(client)
    with client.websocket_connect("/ws/voice") as ws:
        lesson_id = start(ws)["lesson_id"]
        long_ago = utcnow() - timedelta(minutes=45)
        with session_scope(engine) as db:
            lesson = db.get(Lesson, lesson_id)
            assert lesson is not None
            lesson.last_active_at = long_ago
        receive_until(ws, "balance")  # minute 2: the student is still there
        ws.send_json({"type": "stop"})
        receive_until(ws, "session_ended")
    assert _lesson(engine, lesson_id).last_active_at > long_ago + timedelta(minutes=30)
    assert _typed(client)["lesson_id"] == lesson_id
