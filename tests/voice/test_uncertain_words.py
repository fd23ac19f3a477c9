"""A word speech-to-text was unsure of is kept with the spoken turn, and the lesson's summary
does not count it as the student's word."""

from __future__ import annotations

from dataclasses import replace

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from ailingva.lessons.models import Lesson, LessonTurn, TurnRole
from ailingva.providers.base import AudioInput, Segment, Transcript, Word
from ailingva.providers.fake import FakeSTT
from tests.conftest import register, wait_until
from tests.voice.test_ws import receive_until, speak, start

HEARD = "I saw a giraffe near the lake"


class UnsureSTT(FakeSTT):
    """Hears HEARD, and is unsure of "giraffe"."""

    async def _recognize(self, audio: AudioInput, language: str | None) -> Transcript:
        words = tuple(Word(w, 0.0, 2.0, 0.2 if w == "giraffe" else 0.95) for w in HEARD.split())
        segment = Segment(HEARD, 0.0, 2.0, words, avg_logprob=-0.3, no_speech_prob=0.01)
        return Transcript(HEARD, "en", (segment,))


def test_an_unsure_word_is_stored_with_the_turn_and_not_counted(
    client: TestClient, app: FastAPI, engine: Engine
) -> None:
    register(client)
    registry = app.state.providers
    registry.use(replace(registry.current, stt=UnsureSTT()))
    with client.websocket_connect("/ws/voice") as ws:
        lesson_id = start(ws)["lesson_id"]
        speak(ws)
        receive_until(ws, "reply_done")
        ws.send_json({"type": "playback", "played_ms": 60_000})
        receive_until(ws, "turn_completed")
        ws.send_json({"type": "stop"})
        receive_until(ws, "session_ended")
    # The lesson outlives the voice session: the student ends it, and its summary follows.
    assert client.post(f"/api/tutor/lessons/{lesson_id}/end").status_code == 200

    def summarised() -> bool:
        with Session(engine) as db:
            lesson = db.get(Lesson, lesson_id)
            return lesson is not None and lesson.summary is not None

    wait_until(summarised, timeout=20, what="the lesson's summary")
    with Session(engine) as db:
        student = db.exec(
            select(LessonTurn).where(
                LessonTurn.lesson_id == lesson_id, LessonTurn.role == TurnRole.STUDENT
            )
        ).one()
        lesson = db.get(Lesson, lesson_id)
        assert lesson is not None and lesson.summary is not None
    assert student.text == HEARD and student.uncertain_text == ["giraffe"]
    assert "lake" in lesson.summary["new_words"]
    assert "giraffe" not in lesson.summary["practised_words"]
