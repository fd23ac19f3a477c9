"""The lesson routes: a student's lessons, one with its conversation, ending one."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from ailingva.api.deps import MAX_PAGE
from ailingva.lessons.models import LessonTurn, Pipeline
from tests.conftest import register, wait_until
from tests.tutor.conftest import MISTAKE


def _say(client: TestClient, text: str, lesson_id: int | None = None) -> dict[str, Any]:
    response = client.post("/api/tutor/message", json={"text": text, "lesson_id": lesson_id})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_lessons_are_listed_newest_first_a_page_at_a_time(
    client: TestClient, make_client: Any
) -> None:
    register(client)
    for number in range(1, 4):
        lesson = _say(client, "Hi!")
        assert lesson["lesson_number"] == number
        if number < 3:
            client.post(f"/api/tutor/lessons/{lesson['lesson_id']}/end")
    other = make_client()
    register(other)
    _say(other, "Hello!")

    first_page = client.get("/api/tutor/lessons", params={"limit": 2}).json()
    assert first_page["total"] == 3
    assert [item["number"] for item in first_page["items"]] == [3, 2]
    assert all(item["turn_count"] == 2 for item in first_page["items"])
    assert [item["status"] for item in first_page["items"]] == ["active", "ended"]
    rest = client.get("/api/tutor/lessons", params={"limit": 2, "offset": 2}).json()
    assert [item["number"] for item in rest["items"]] == [1]
    assert client.get("/api/tutor/lessons", params={"offset": 3}).json()["items"] == []
    for params in ({"limit": 0}, {"limit": MAX_PAGE + 1}, {"offset": -1}):
        assert client.get("/api/tutor/lessons", params=params).status_code == 422


def test_a_lesson_shows_its_conversation_without_the_brains_reading(
    client: TestClient, engine: Engine
) -> None:
    register(client)
    body = _say(client, MISTAKE)

    def brain_turns() -> int:
        with Session(engine) as db:
            return len(
                db.exec(
                    select(LessonTurn).where(
                        LessonTurn.lesson_id == body["lesson_id"],
                        LessonTurn.pipeline == Pipeline.ANALYSIS,
                    )
                ).all()
            )

    wait_until(lambda: brain_turns() == 1, timeout=30, what="the brain's reading of the turn")

    detail = client.get(f"/api/tutor/lessons/{body['lesson_id']}").json()
    assert detail["number"] == 1 and detail["turn_count"] == 2
    student, tutor = detail["turns"]
    assert (student["id"], student["role"], student["text"]) == (
        body["student_turn_id"],
        "student",
        MISTAKE,
    )
    fix = next(c for c in student["corrections"] if c["original"] == "goed")
    assert (fix["correction"], fix["category"]) == ("went", "verb_form")
    assert MISTAKE[fix["start"] : fix["end"]] == "goed"
    assert "grammar" in student["timings"]
    assert (tutor["id"], tutor["role"], tutor["text"]) == (
        body["tutor_turn_id"],
        "tutor",
        body["reply"],
    )
    assert tutor["corrections"] == [] and tutor["interrupted"] is False
    listed = client.get("/api/tutor/lessons").json()["items"]
    assert [item["turn_count"] for item in listed] == [2]


def test_new_lesson_numbers_follow_and_ended_lessons_refuse_messages(client: TestClient) -> None:
    register(client)
    first = client.post("/api/tutor/message", json={"text": "Hi!"}).json()
    ended = client.post(f"/api/tutor/lessons/{first['lesson_id']}/end")
    assert ended.status_code == 200 and ended.json()["status"] == "ended"
    again = client.post("/api/tutor/message", json={"text": "Hi!", "lesson_id": first["lesson_id"]})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "lesson_ended"
    second = client.post("/api/tutor/message", json={"text": "Hi!"}).json()
    assert second["lesson_number"] == 2


def test_ending_a_lesson_twice_asks_the_brain_for_one_summary(
    client: TestClient, app: FastAPI
) -> None:
    register(client)
    lesson_id = _say(client, "Hi!")["lesson_id"]
    calls: list[tuple[str, dict[str, Any]]] = []

    async def record(job: str, /, **kwargs: Any) -> None:
        calls.append((job, kwargs))

    app.state.jobs.enqueue = record
    first = client.post(f"/api/tutor/lessons/{lesson_id}/end")
    second = client.post(f"/api/tutor/lessons/{lesson_id}/end")
    assert first.status_code == second.status_code == 200
    assert first.json()["turn_count"] == 2
    assert first.json()["ended_at"] is not None
    assert second.json()["ended_at"] == first.json()["ended_at"]
    assert calls == [("summarise_lesson", {"lesson_id": lesson_id})]


def test_someone_elses_lesson_is_not_found(client: TestClient, make_client: Any) -> None:
    register(client)
    lesson_id = client.post("/api/tutor/message", json={"text": "Hi!"}).json()["lesson_id"]
    other = make_client()
    register(other)
    for response in (
        other.post("/api/tutor/message", json={"text": "Hi!", "lesson_id": lesson_id}),
        other.get(f"/api/tutor/lessons/{lesson_id}"),
        other.post(f"/api/tutor/lessons/{lesson_id}/end"),
    ):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "lesson_not_found"
