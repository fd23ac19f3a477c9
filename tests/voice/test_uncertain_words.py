"""A word speech-to-text was unsure of is kept with the spoken turn, the lesson's summary does
not count it as the student's word, and a mistake in it is asked about, not corrected."""

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
    """Hears `heard`, and is unsure of the word `unsure`."""

    def __init__(self, heard: str = HEARD, unsure: str = "giraffe") -> None:
        super().__init__(heard)
        self._heard, self._unsure = heard, unsure

    async def _recognize(self, audio: AudioInput, language: str | None) -> Transcript:
        words = tuple(
            Word(w, 0.0, 2.0, 0.2 if w == self._unsure else 0.95) for w in self._heard.split()
        )
        segment = Segment(self._heard, 0.0, 2.0, words, avg_logprob=-0.3, no_speech_prob=0.01)
        return Transcript(self._heard, "en", (segment,))


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


def test_a_mistake_in_an_unsure_word_is_a_question_not_a_correction(
    client: TestClient, app: FastAPI, engine: Engine
) -> None:
    register(client)
    registry = app.state.providers
    registry.use(replace(registry.current, stt=UnsureSTT("He have two cats", unsure="have")))
    with client.websocket_connect("/ws/voice") as ws:
        lesson_id = start(ws)["lesson_id"]
        speak(ws)
        found = receive_until(ws, "corrections")["corrections"]
        receive_until(ws, "reply_done")
        ws.send_json({"type": "stop"})
        receive_until(ws, "session_ended")
    assert [(c["original"], c["correction"], c["uncertain"]) for c in found] == [
        ("have", "has", True)
    ]
    with Session(engine) as db:
        student = db.exec(
            select(LessonTurn).where(
                LessonTurn.lesson_id == lesson_id, LessonTurn.role == TurnRole.STUDENT
            )
        ).one()
    assert [c["uncertain"] for c in student.corrections] == [True]
    # The tutor is not told to correct what the student may not have said.
    assert student.prompt_text is not None and "Correct:" not in student.prompt_text
