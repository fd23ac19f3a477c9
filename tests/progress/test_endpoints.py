"""GET /api/progress/progress: what the Progress page shows."""

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from ailingva.brain.summary import summarise_lesson
from ailingva.core.db import session_scope, utcnow
from ailingva.learning.xp import study_day
from ailingva.lessons.models import TurnRole
from tests.brain.helpers import add_turn, end_lesson, new_lesson
from tests.conftest import register
from tests.progress.seed import meter_voice


def test_progress_needs_a_signed_in_student(client: TestClient) -> None:
    response = client.get("/api/progress/progress")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_a_new_student_has_empty_progress(client: TestClient) -> None:
    register(client)
    body = client.get("/api/progress/progress?days=7").json()
    assert body["totals"] == {
        "lessons": 0,
        "turns": 0,
        "minutes": 0,
        "xp": 0,
        "streak_days": 0,
        "longest_streak_days": 0,
        "level": None,
        "learned_words": 0,
        "weak_words": 0,
    }
    charts = ("xp_by_day", "minutes_by_day", "errors_by_day", "words_by_day")
    assert [len(body[chart]) for chart in charts] == [7, 7, 7, 7]
    assert body["weak_words"] == [] and body["recent_lessons"] == []
    assert "articles" in body["error_categories"]


def test_progress_after_a_lesson(client: TestClient, engine: Engine) -> None:
    account = register(client)
    lesson = new_lesson(engine, account.id, topic="Pets")
    meter_voice(engine, account.id, lesson, 2, utcnow())
    add_turn(engine, lesson, "I have cat and he go to magazine", audio_ms=90_000)
    add_turn(engine, lesson, "Tell me more!", role=TurnRole.TUTOR)
    add_turn(engine, lesson, "My cat likes fish very much", audio_ms=40_000)
    end_lesson(engine, lesson)
    with session_scope(engine) as db:
        summary = summarise_lesson(db, lesson, now=utcnow())
    assert summary is not None

    response = client.get("/api/progress/progress")

    assert response.status_code == 200
    body = response.json()
    totals = body["totals"]
    assert (totals["lessons"], totals["turns"], totals["minutes"]) == (1, 2, 2)
    assert totals["xp"] == summary["xp"]["total"] > 0
    assert totals["streak_days"] == 1 and totals["level"] == summary["level"]
    assert totals["weak_words"] == 1 and totals["learned_words"] == 2  # "cat", "fish"
    today = body["xp_by_day"][-1]
    assert today == {"day": study_day(utcnow()).isoformat(), "value": summary["xp"]["total"]}
    assert body["errors_by_day"][-1]["by_category"] == {
        "articles": 1,
        "agreement": 1,
        "word_choice": 1,
    }
    assert body["errors_by_day"][-1]["total"] == 3
    assert body["words_by_day"][-1]["total"] == 2
    (weak,) = body["weak_words"]
    assert weak["word"] == "shop" and weak["due_at"] is not None
    (recent,) = body["recent_lessons"]
    assert recent["lesson_id"] == lesson and recent["topic"] == "Pets"
    assert recent["minutes"] == 2 and recent["new_words"] == ["cat", "fish"]
    assert recent["summary"]["grammar_notes"][0]["note"]


def test_a_student_sees_only_their_own_progress(client: TestClient, engine: Engine) -> None:
    other = register(client)
    lesson = new_lesson(engine, other.id)
    add_turn(engine, lesson, "I have cat")
    client.post("/api/auth/logout")
    register(client)
    body = client.get("/api/progress/progress").json()
    assert body["totals"]["lessons"] == 0 and body["recent_lessons"] == []


def test_the_chart_window_is_validated(client: TestClient) -> None:
    register(client)
    assert client.get("/api/progress/progress?days=0").status_code == 422
    assert client.get("/api/progress/progress?days=366").status_code == 422
