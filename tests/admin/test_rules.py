"""The rules screen's API: every rule in force (the brain's and the admins'), filtered; an
admin's rule written, changed, switched off and on, deleted, each in the journal; and refused,
with a code, when it makes no sense."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from ailingva.brain.models import RuleSource, TutorRule
from ailingva.core.db import utcnow
from tests.conftest import Account, register

TIP = "Ask the student one question about their weekend in every answer."


def _rule(**fields: Any) -> dict[str, Any]:
    return {"scope": "all", "trigger": "always", "instruction": TIP, **fields}


def _brain_rule(engine: Engine, user_id: int, trigger: str = "articles") -> int:
    with Session(engine) as db:
        rule = TutorRule(
            user_id=user_id,
            trigger=trigger,
            instruction="Recast the student's sentence with the right article.",
            priority=33,
            evidence_count=3,
        )
        db.add(rule)
        db.commit()
        assert rule.id is not None
        return rule.id


@pytest.fixture
def student(make_client: Callable[[], TestClient]) -> Account:
    return register(make_client(), name="Борис")


def _journal(admin: TestClient) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = admin.get(
        "/api/admin/audit", params={"target_type": "tutor_rule"}
    ).json()["items"]
    return [e for e in items if e["target_type"] == "tutor_rule"]


def test_an_admin_writes_rules_for_all_a_level_and_one_student(
    admin: TestClient, student: Account, engine: Engine, admin_email: str
) -> None:
    brain = _brain_rule(engine, student.id)
    every = admin.post("/api/admin/rules", json=_rule(priority=70))
    assert every.status_code == 201, every.text
    level = admin.post("/api/admin/rules", json=_rule(scope="level", level="B1", trigger="tense"))
    one = admin.post(
        "/api/admin/rules",
        json=_rule(scope="student", student_id=student.id, enabled=False, priority=10),
    )
    assert level.status_code == one.status_code == 201
    body = every.json()
    assert body["source"] == "admin" and body["created_by"] == admin_email
    assert (body["scope"], body["level"], body["student_id"]) == ("all", None, None)
    assert one.json()["student_label"] == f"Борис ({student.email})"

    listed = admin.get("/api/admin/rules").json()
    assert listed["total"] == 4
    assert [r["id"] for r in listed["items"]] == [
        every.json()["id"],
        level.json()["id"],
        brain,
        one.json()["id"],
    ]  # highest priority first
    only = {
        "source=brain": [brain],
        "scope=level": [level.json()["id"]],
        "status=disabled": [one.json()["id"]],
    }
    for query, ids in only.items():
        found = admin.get(f"/api/admin/rules?{query}").json()["items"]
        assert [r["id"] for r in found] == ids, query
    # The student (level A2) gets their own rules and every student's, not B1's.
    theirs = admin.get("/api/admin/rules", params={"student_id": student.id}).json()
    assert [r["id"] for r in theirs["items"]] == [every.json()["id"], brain, one.json()["id"]]
    nobody = admin.get("/api/admin/rules", params={"student_id": 999_999})
    assert (nobody.status_code, nobody.json()["error"]["code"]) == (404, "not_found")

    entry = _journal(admin)[0]
    assert entry["action"] == "tutor_rule.created" and entry["target_id"] == one.json()["id"]
    assert entry["changes"]["student_id"] == {"from": None, "to": student.id}


def test_edit_switch_and_delete_are_in_the_journal(
    admin: TestClient, student: Account, engine: Engine
) -> None:
    rule_id = admin.post("/api/admin/rules", json=_rule()).json()["id"]
    expires = (utcnow() + timedelta(days=7)).isoformat()
    edited = admin.patch(
        f"/api/admin/rules/{rule_id}",
        json={"scope": "level", "level": "A2", "priority": 80, "expires_at": expires},
    )
    assert edited.status_code == 200, edited.text
    assert (edited.json()["scope"], edited.json()["level"], edited.json()["priority"]) == (
        "level",
        "A2",
        80,
    )
    for same in ({"priority": 80}, {"trigger": None, "instruction": None, "scope": None}):
        unchanged = admin.patch(f"/api/admin/rules/{rule_id}", json=same)
        assert unchanged.json()["trigger"] == "always" and unchanged.json()["priority"] == 80
    assert admin.post(f"/api/admin/rules/{rule_id}/disable").json()["enabled"] is False
    assert admin.post(f"/api/admin/rules/{rule_id}/disable").status_code == 200  # no change
    assert admin.post(f"/api/admin/rules/{rule_id}/enable").json()["enabled"] is True
    assert admin.delete(f"/api/admin/rules/{rule_id}").status_code == 204
    assert admin.delete(f"/api/admin/rules/{rule_id}").json()["error"]["code"] == "rule_not_found"

    entries = _journal(admin)
    assert [e["action"] for e in entries] == [
        "tutor_rule.deleted",
        "tutor_rule.changed",
        "tutor_rule.changed",
        "tutor_rule.changed",
        "tutor_rule.created",
    ]  # an edit that changes nothing, and a switch to where it is, leave no entry
    assert entries[2]["changes"] == {"enabled": {"from": True, "to": False}}
    changed = entries[3]["changes"]
    assert changed["scope"] == {"from": "all", "to": "level"}
    assert changed["level"] == {"from": None, "to": "A2"}
    assert changed["priority"] == {"from": 50, "to": 80}
    assert changed["expires_at"]["to"].startswith(expires[:16])

    # The brain's rules are switched off or deleted, never rewritten.
    brain = _brain_rule(engine, student.id)
    refused = admin.patch(f"/api/admin/rules/{brain}", json={"priority": 99})
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "rule_brain_read_only")
    assert admin.post(f"/api/admin/rules/{brain}/disable").json()["enabled"] is False
    assert admin.delete(f"/api/admin/rules/{brain}").status_code == 204
    with Session(engine) as db:
        assert db.get(TutorRule, brain) is None


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"scope": "level"}, "rule_scope_invalid"),
        ({"scope": "all", "level": "B1"}, "rule_scope_invalid"),
        ({"scope": "student"}, "rule_scope_invalid"),
        ({"scope": "level", "level": "B1", "student_id": 1}, "rule_scope_invalid"),
        ({"scope": "student", "student_id": 999_999}, "rule_student_not_found"),
        ({"instruction": "Когда ученик ошибается, поправь его мягко."}, "rule_not_english"),
        ({"expires_at": "2020-01-01T00:00:00Z"}, "rule_expiry_past"),
        ({"trigger": "grammar"}, "validation_error"),
        ({"level": "D1", "scope": "level"}, "validation_error"),
        ({"priority": 101}, "validation_error"),
        ({"priority": True}, "validation_error"),
        ({"instruction": "Short"}, "validation_error"),
        ({"instruction": "x" * 501}, "validation_error"),
    ],
)
def test_a_rule_that_makes_no_sense_is_refused_with_a_code(
    admin: TestClient, fields: dict[str, Any], code: str
) -> None:
    response = admin.post("/api/admin/rules", json=_rule(**fields))
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert any("а" <= ch <= "я" for ch in error["message"].lower())


def test_an_admin_is_no_student_and_edits_are_checked_too(
    admin: TestClient, engine: Engine, admin_email: str
) -> None:
    from tests.admin.conftest import account

    admin_id = account(engine, admin_email).id
    refused = admin.post("/api/admin/rules", json=_rule(scope="student", student_id=admin_id))
    assert refused.json()["error"]["code"] == "rule_student_not_found"
    rule_id = admin.post("/api/admin/rules", json=_rule()).json()["id"]
    moved = admin.patch(f"/api/admin/rules/{rule_id}", json={"scope": "student"})
    assert moved.json()["error"]["code"] == "rule_scope_invalid"
    russian = admin.patch(f"/api/admin/rules/{rule_id}", json={"instruction": "Спроси о планах."})
    assert russian.json()["error"]["code"] == "rule_not_english"
    missing = admin.patch("/api/admin/rules/999999", json={"priority": 3})
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "rule_not_found")
    assert admin.get("/api/admin/rules").json()["items"][0]["instruction"] == TIP


def test_the_brain_keeps_an_admins_switch_and_its_own_rules_only(
    admin: TestClient, student: Account, engine: Engine
) -> None:
    """A brain rule an admin switched off is renewed by fresh evidence and stays off; an admin's
    rule for the student is not the brain's to retire."""
    from tests.brain.helpers import new_lesson, say

    own = admin.post(
        "/api/admin/rules",
        json=_rule(scope="student", student_id=student.id, trigger="articles"),
    ).json()["id"]
    lesson = new_lesson(engine, student.id)
    for text in ("I have cat at home", "Last week I bought car", "We often go to cinema"):
        say(engine, lesson, text)
    brain = next(
        r
        for r in admin.get("/api/admin/rules?source=brain").json()["items"]
        if r["student_id"] == student.id
    )
    admin.post(f"/api/admin/rules/{brain['id']}/disable")
    say(engine, lesson, "I have cat and dog")
    with Session(engine) as db:
        renewed = db.get(TutorRule, brain["id"])
        assert renewed is not None and renewed.evidence_count == 4 and not renewed.enabled
        mine = db.get(TutorRule, own)
        assert mine is not None and mine.source == RuleSource.ADMIN and mine.evidence_count == 0
