"""A student's page: profile and level, wallet and ledger (with an adjustment), lessons with
turns and timings, weak and known words with reviews, rules in force, brain events."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from ailingva.brain.memory import MAX_PROMPT_RULES
from ailingva.brain.models import BrainEvent, BrainEventKind, RuleStatus, TutorRule
from ailingva.core.db import utcnow
from ailingva.learning.models import StudentWord, WordStatus
from tests.conftest import register

MISTAKE = "Yesterday I goed to the park."


def _seed_knowledge(engine: Engine, user_id: int) -> None:
    now = utcnow()
    with Session(engine) as db:
        db.add(
            StudentWord(
                user_id=user_id,
                word="quartz",
                status=WordStatus.WEAK,
                due_at=now - timedelta(days=1),
            )
        )
        db.add(
            StudentWord(
                user_id=user_id,
                word="zephyr",
                status=WordStatus.WEAK,
                due_at=now + timedelta(days=3),
            )
        )
        db.add(
            StudentWord(user_id=user_id, word="garden", status=WordStatus.KNOWN, last_seen_at=now)
        )
        for priority in range(MAX_PROMPT_RULES + 1):
            db.add(
                TutorRule(
                    user_id=user_id,
                    trigger="tense",
                    instruction=f"rule {priority}",
                    priority=priority,
                )
            )
        db.add(
            TutorRule(
                user_id=user_id, trigger="old", instruction="retired", status=RuleStatus.RETIRED
            )
        )
        db.add(
            TutorRule(
                user_id=user_id,
                trigger="old",
                instruction="expired",
                expires_at=now - timedelta(days=1),
            )
        )
        db.add(
            BrainEvent(user_id=user_id, kind=BrainEventKind.WEAK_WORD, payload={"word": "quartz"})
        )
        db.commit()


def test_the_student_page_shows_what_the_service_knows(
    admin: TestClient, make_client, engine: Engine
) -> None:
    browser = make_client()
    student = register(browser, name="Мария")
    assert browser.post("/api/tutor/message", json={"text": MISTAKE}).status_code == 200
    _seed_knowledge(engine, student.id)
    adjusted = admin.post(
        "/api/admin/billing/adjustments",
        json={"user_id": student.id, "amount_kopecks": 1000, "reason": "Компенсация сбоя"},
    )
    assert adjusted.status_code == 201

    page = admin.get(f"/api/admin/users/{student.id}").json()
    assert page["account"]["name"] == "Мария" and page["account"]["status"] == "active"
    assert page["profile"]["level"] == "A2" and page["open_sign_ins"] == 1
    assert page["wallet"]["balance_kopecks"] == page["account"]["balance_kopecks"] > 1000
    # The brain marks words of the lesson too, in the background: at least the seeded ones.
    assert page["weak_words"] >= 2 and page["known_words"] >= 1

    ledger = admin.get("/api/admin/billing/transactions", params={"user_id": student.id}).json()
    assert [t["kind"] for t in ledger["items"]][:2] == ["admin_adjustment", "trial_bonus"]
    journal = admin.get("/api/admin/audit", params={"user_id": student.id}).json()["items"]
    assert journal[0]["action"] == "wallet.adjusted"
    assert journal[0]["reason"] == "Компенсация сбоя"
    moved = journal[0]["changes"]["balance_kopecks"]
    assert moved["to"] - moved["from"] == 1000

    lessons = admin.get(f"/api/admin/users/{student.id}/lessons").json()
    assert lessons["total"] == 1
    lesson = admin.get(f"/api/admin/users/{student.id}/lessons/{lessons['items'][0]['id']}")
    turns = lesson.json()["turns"]
    assert turns[0]["text"] == MISTAKE and turns[0]["corrections"]
    assert "llm_first_token" in turns[1]["timings"]

    weak = [w["word"] for w in admin.get(f"/api/admin/users/{student.id}/words").json()["items"]]
    assert weak[0] == "quartz" and weak[-1] == "zephyr"  # by the next review, soonest first
    known = admin.get(f"/api/admin/users/{student.id}/words", params={"status": "known"})
    assert "garden" in [w["word"] for w in known.json()["items"]]

    rules = admin.get(f"/api/admin/users/{student.id}/rules").json()
    assert [r["instruction"] for r in rules] == [
        f"rule {p}" for p in range(MAX_PROMPT_RULES, -1, -1)
    ]
    assert [r["in_prompt"] for r in rules] == [True] * MAX_PROMPT_RULES + [False]

    events = admin.get(f"/api/admin/users/{student.id}/brain-events").json()
    assert any(
        e["kind"] == "weak_word" and e["payload"] == {"word": "quartz"} for e in events["items"]
    )


def test_another_students_lesson_is_not_found(admin: TestClient, make_client) -> None:
    first, second = make_client(), make_client()
    one = register(first)
    other = register(second)
    lesson_id = first.post("/api/tutor/message", json={"text": MISTAKE}).json()["lesson_id"]
    response = admin.get(f"/api/admin/users/{other.id}/lessons/{lesson_id}")
    assert response.status_code == 404
    assert admin.get(f"/api/admin/users/{one.id}/lessons/{lesson_id}").status_code == 200
