"""`GET /api/progress/lessons/{id}`: what a lesson gave, for the card shown when it ends."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import register, wait_until
from tests.tutor.conftest import MISTAKE


def test_an_ended_lesson_shows_its_xp_corrections_and_new_words(
    client: TestClient, make_client: Any
) -> None:
    register(client)
    lesson_id = client.post("/api/tutor/message", json={"text": MISTAKE}).json()["lesson_id"]
    client.post("/api/tutor/message", json={"text": MISTAKE, "lesson_id": lesson_id})
    going = client.get(f"/api/progress/lessons/{lesson_id}").json()
    assert going["status"] == "active" and going["ready"] is False and going["new_words"] == []
    assert client.post(f"/api/tutor/lessons/{lesson_id}/end").status_code == 200

    def outcome() -> dict[str, Any]:
        body: dict[str, Any] = client.get(f"/api/progress/lessons/{lesson_id}").json()
        return body

    wait_until(lambda: outcome()["ready"], timeout=30, what="the lesson's summary")
    card = outcome()
    assert card["status"] == "ended" and card["student_turns"] == 2
    # The same mistake twice is one correction on the card.
    assert [(c["original"], c["correction"]) for c in card["corrections"]] == [("goed", "went")]
    assert card["corrections"][0]["explanation"]
    assert card["xp_earned"] > 0
    summary = client.get(f"/api/tutor/lessons/{lesson_id}").json()["summary"]
    assert card["xp_earned"] == summary["xp"]["total"]
    assert card["new_words"] and card["new_words"] == summary["new_words"]

    other = make_client()
    register(other)
    foreign = other.get(f"/api/progress/lessons/{lesson_id}")
    assert foreign.status_code == 404 and foreign.json()["error"]["code"] == "lesson_not_found"
