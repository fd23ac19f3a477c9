"""A saved rule reaches the prompts of the students it is for from their next turn: read in the
prompt the model is given (the recording fake model keeps each one)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from ailingva.brain.memory import MAX_PROMPT_RULES
from ailingva.brain.models import TutorRule
from ailingva.providers.registry import ProviderRegistry
from tests.conftest import Account, login, register
from tests.tutor.conftest import MISTAKE, RecordingLLM

CLEAN = "I like my new job."


@pytest.fixture
def admin(make_client: Any, admin_email: str) -> TestClient:
    """The admin on a client of their own; the students take turns on `client` (whose event
    loop runs the analysis jobs their turns enqueue)."""
    browser: TestClient = make_client()
    login(browser, admin_email)
    return browser


@pytest.fixture
def students(client: TestClient) -> list[Account]:
    return [register(client) for _ in range(2)]


@pytest.fixture
def llm(app: FastAPI, admin: TestClient, students: list[Any]) -> RecordingLLM:
    # After every client has started: each start builds the app's providers anew.
    recording = RecordingLLM()
    registry: ProviderRegistry = app.state.providers
    registry.use(replace(registry.current, llm=recording))
    return recording


def _said(client: TestClient, student: Account, llm: RecordingLLM, text: str) -> str:
    """What the model read of the student's turn (their words and the notes after them)."""
    login(client, student.email)
    response = client.post("/api/tutor/message", json={"text": text})
    assert response.status_code == 200, response.text
    return llm.prompts[-1][-1].content


def _save(admin: TestClient, instruction: str, **fields: Any) -> int:
    body = {"scope": "all", "trigger": "always", "instruction": instruction, **fields}
    response = admin.post("/api/admin/rules", json=body)
    assert response.status_code == 201, response.text
    rule_id: int = response.json()["id"]
    return rule_id


def test_a_saved_rule_reaches_the_next_turn_of_the_students_it_is_for(
    admin: TestClient, llm: RecordingLLM, students: list[Account], client: TestClient
) -> None:
    student, other = students  # level A2, both
    before = _said(client, student, llm, CLEAN)
    assert "Tips" not in before

    _save(admin, "Always end with a question about travel.")
    _save(admin, "Speak about football with this student.", scope="student", student_id=student.id)
    _save(admin, "Use only the present tense with A2 students.", scope="level", level="A2")
    _save(admin, "Use idioms freely with B2 students.", scope="level", level="B2")

    mine = _said(client, student, llm, CLEAN)
    assert "Always end with a question about travel." in mine
    assert "Speak about football" in mine and "present tense" in mine
    assert "idioms" not in mine
    theirs = _said(client, other, llm, CLEAN)
    assert "travel" in theirs and "football" not in theirs


def test_a_category_rule_comes_with_that_error_or_that_weakness(
    admin: TestClient,
    llm: RecordingLLM,
    students: list[Account],
    client: TestClient,
    engine: Engine,
) -> None:
    student = students[0]
    rule_id = _save(admin, "Ask the student to say the past form again.", trigger="verb_form")
    assert "past form" not in _said(client, student, llm, CLEAN)
    assert "past form" in _said(client, student, llm, MISTAKE)  # "goed": a verb form error

    admin.post(f"/api/admin/rules/{rule_id}/disable")
    assert "past form" not in _said(client, student, llm, MISTAKE)
    admin.post(f"/api/admin/rules/{rule_id}/enable")

    # A weakness: the brain holds a rule of that category for the student (switched off, even).
    with Session(engine) as db:
        db.add(
            TutorRule(
                user_id=student.id, trigger="verb_form", instruction="Brain's tip.", enabled=False
            )
        )
        db.commit()
    assert "past form" in _said(client, student, llm, CLEAN)


def test_the_prompt_takes_the_rules_by_priority_up_to_a_cap(
    admin: TestClient, llm: RecordingLLM, students: list[Account], client: TestClient
) -> None:
    student = students[0]
    for priority in range(MAX_PROMPT_RULES + 2):
        _save(admin, f"Rule number {priority} for the tutor.", priority=priority * 10)
    said = _said(client, student, llm, CLEAN)
    taken = [p for p in range(MAX_PROMPT_RULES + 2) if f"Rule number {p} " in said]
    assert taken == list(range(2, MAX_PROMPT_RULES + 2))
    tips = said[said.index("Tips: ") :]
    assert tips.index("number 6") < tips.index("number 2")  # highest first
