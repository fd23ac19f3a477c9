"""Rows for brain tests (lessons and turns inserted directly). A student turn is stored with the
corrections a fixed table gives, as the live pipeline stores its grammar check's findings, so a
test knows exactly which findings a sentence has."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, func, select

from ailingva.auth.models import UserAccount
from ailingva.brain import analysis
from ailingva.core.db import session_scope, utcnow
from ailingva.grammar.findings import Category, Finding
from ailingva.lessons import service as lessons
from ailingva.lessons.models import Lesson, LessonTurn, Pipeline, TurnRole
from tests.conftest import unique_email

# (wrong phrase, correction, category): typical errors of Russian speakers.
TABLE: list[tuple[str, str, Category]] = [
    ("I am agree", "I agree", Category.CALQUE),
    ("explain me", "explain to me", Category.CALQUE),
    ("make a photo", "take a photo", Category.CALQUE),
    ("have cat", "have a cat", Category.ARTICLES),
    ("bought car", "bought a car", Category.ARTICLES),
    ("go to cinema", "go to the cinema", Category.ARTICLES),
    ("buyed", "bought", Category.VERB_FORM),
    ("magazine", "shop", Category.WORD_CHOICE),
    ("he go", "he goes", Category.AGREEMENT),
    ("becouse", "because", Category.SPELLING),
]


def table_corrections(text: str) -> list[dict[str, Any]]:
    """The TABLE's findings in `text`, stored as the live pipeline stores findings."""
    findings = []
    for wrong, right, category in TABLE:
        for m in re.finditer(rf"\b{re.escape(wrong)}\b", text, re.IGNORECASE):
            findings.append(
                Finding(m.start(), m.end(), m.group(), right, category, "Пояснение.", "rules")
            )
    return [f.as_json() for f in sorted(findings, key=lambda f: f.start)]


def new_user(engine: Engine) -> int:
    with session_scope(engine) as db:
        user = UserAccount(email=unique_email(), password_hash="x")
        db.add(user)
        db.flush()
        assert user.id is not None
        return user.id


def new_lesson(
    engine: Engine, user_id: int, *, started_at: datetime | None = None, topic: str | None = None
) -> int:
    with session_scope(engine) as db:
        lesson = lessons.start_lesson(db, user_id)
        lesson.topic = topic
        if started_at is not None:
            lesson.started_at = started_at
        assert lesson.id is not None
        return lesson.id


def end_lesson(engine: Engine, lesson_id: int, *, at: datetime | None = None) -> None:
    with session_scope(engine) as db:
        lesson = db.get(Lesson, lesson_id)
        assert lesson is not None
        lessons.end_lesson(db, lesson, now=at or utcnow())


def add_turn(
    engine: Engine,
    lesson_id: int,
    text: str,
    *,
    role: TurnRole = TurnRole.STUDENT,
    corrections: list[dict[str, Any]] | None = None,
    audio_ms: int | None = None,
    uncertain: list[str] | None = None,
    at: datetime | None = None,
) -> int:
    """A conversation turn; a student turn's `corrections` are the TABLE's unless given;
    `uncertain`: what speech-to-text heard without confidence."""
    if corrections is None and role == TurnRole.STUDENT:
        corrections = table_corrections(text)
    with session_scope(engine) as db:
        seq = (
            db.exec(
                select(func.max(LessonTurn.seq)).where(
                    LessonTurn.lesson_id == lesson_id,
                    LessonTurn.pipeline == Pipeline.STREAMING,
                )
            ).one()
            or 0
        ) + 1
        turn = LessonTurn(
            lesson_id=lesson_id,
            seq=seq,
            role=role,
            pipeline=Pipeline.STREAMING,
            text=text,
            corrections=corrections or [],
            audio_ms=audio_ms,
            uncertain_text=uncertain or [],
        )
        if at is not None:
            turn.created_at = at
        db.add(turn)
        db.flush()
        assert turn.id is not None
        return turn.id


def analyse(
    engine: Engine, turn_id: int, *, now: datetime | None = None
) -> analysis.TurnAnalysis | None:
    with session_scope(engine) as db:
        return analysis.analyse_student_turn(db, turn_id, now=now or utcnow())


def say(
    engine: Engine, lesson_id: int, text: str, *, now: datetime | None = None
) -> analysis.TurnAnalysis | None:
    """A student turn, stored and analysed."""
    return analyse(engine, add_turn(engine, lesson_id, text, at=now), now=now)


def analysis_turns(db: Session, turn_id: int) -> list[LessonTurn]:
    return list(
        db.exec(
            select(LessonTurn).where(
                LessonTurn.source_turn_id == turn_id, LessonTurn.pipeline == Pipeline.ANALYSIS
            )
        ).all()
    )


def count(db: Session, model: type) -> int:
    return int(db.exec(select(func.count()).select_from(model)).one())
