"""A spoken turn records the engines that served it: speech-to-text on the student's turn, the
language model and speech on the tutor's (the admin's Обзор counts turns by provider)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from ailingva.lessons.models import LessonTurn, Pipeline, TurnRole
from tests.conftest import register
from tests.voice.test_ws import receive_until, speak, start


def test_a_spoken_turn_records_its_providers(client: TestClient, engine: Engine) -> None:
    register(client)
    with client.websocket_connect("/ws/voice") as ws:
        lesson_id = start(ws)["lesson_id"]
        speak(ws)
        receive_until(ws, "reply_done")
        ws.send_json({"type": "playback", "played_ms": 60_000})
        receive_until(ws, "turn_completed")
        ws.send_json({"type": "stop"})
        receive_until(ws, "session_ended")
    with Session(engine) as db:
        turns = db.exec(
            select(LessonTurn).where(
                LessonTurn.lesson_id == lesson_id, LessonTurn.pipeline == Pipeline.STREAMING
            )
        ).all()
    providers = {turn.role: turn.providers for turn in turns}
    assert providers == {
        TurnRole.STUDENT: {"stt": "fake:stt"},
        TurnRole.TUTOR: {"llm": "fake:llm", "tts": "fake:tts"},
    }
