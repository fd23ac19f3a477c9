"""The end of a lesson: summary, XP, streak, snapshot and level."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from ailingva.brain.models import BrainEvent, BrainEventKind, KnowledgeSnapshot
from ailingva.brain.summary import summarise_lesson
from ailingva.core.db import session_scope, utcnow
from ailingva.learning.models import LearningState
from ailingva.lessons.models import Lesson, TurnRole
from tests.brain.helpers import add_turn, end_lesson, new_lesson, new_user


def _summarise(
    engine: Engine, lesson: int, *, now: datetime | None = None
) -> dict[str, Any] | None:
    with session_scope(engine) as db:
        return summarise_lesson(db, lesson, now=now or utcnow())


def _state(engine: Engine, user: int) -> LearningState:
    with Session(engine) as db:
        state = db.get(LearningState, user)
        assert state is not None
        return state


def test_a_lesson_summary_with_words_notes_and_xp(engine: Engine) -> None:
    user = new_user(engine)
    lesson = new_lesson(engine, user, topic="Shopping")
    add_turn(engine, lesson, "Yesterday I buyed new shoes", audio_ms=4_000)
    add_turn(engine, lesson, "What did you buy?", role=TurnRole.TUTOR)
    add_turn(engine, lesson, "I have cat and I bought food for him", audio_ms=5_500)
    add_turn(engine, lesson, "My favourite colour is green", audio_ms=3_000)
    add_turn(engine, lesson, "ok")
    end_lesson(engine, lesson)

    summary = _summarise(engine, lesson)  # analyses the turns no job has analysed yet

    assert summary is not None
    assert summary["student_turns"] == 4 and summary["errors"] == 2
    assert {"shoes", "food", "favourite", "colour", "green"} <= set(summary["practised_words"])
    # The first lesson: every word is new but the most common ones ("new", "green", "food").
    assert summary["new_words"] == ["colour", "favourite", "shoes", "yesterday"]
    assert summary["weak_words"] == ["bought"]
    notes = {n["category"]: n for n in summary["grammar_notes"]}
    assert set(notes) == {"verb_form", "articles"}
    assert "артикл" in notes["articles"]["note"].lower()
    assert notes["articles"]["examples"] == [{"original": "have cat", "correction": "have a cat"}]
    # 10 for the lesson, 2 per turn of 3+ words (3 turns), 1 per clean one (1), streak day 1: 2
    assert summary["xp"] == {
        "total": 19,
        "breakdown": {"lesson": 10, "turns": 6, "clean_turns": 1, "reviews": 0, "streak": 2},
    }
    with Session(engine) as db:
        stored = db.get(Lesson, lesson)
        assert stored is not None and stored.xp_earned == 19 and stored.summary == summary
        snapshot = db.exec(select(KnowledgeSnapshot).where(KnowledgeSnapshot.user_id == user)).one()
        assert snapshot.lesson_id == lesson and snapshot.level == summary["level"]
        assert snapshot.vocabulary_size >= 5
        assert (
            db.exec(select(BrainEvent).where(BrainEvent.kind == BrainEventKind.LEVEL_ESTIMATE))
            .one()
            .payload["level"]
            == summary["level"]
        )
    state = _state(engine, user)
    assert (state.xp, state.streak_days, state.lessons_completed) == (19, 1, 1)
    assert state.level_estimate == summary["level"]


def test_summarising_twice_awards_xp_once(engine: Engine) -> None:
    user = new_user(engine)
    lesson = new_lesson(engine, user)
    add_turn(engine, lesson, "I like reading books about history")
    end_lesson(engine, lesson)
    first = _summarise(engine, lesson)
    assert first is not None
    assert _summarise(engine, lesson) is None
    assert _state(engine, user).xp == first["xp"]["total"]
    with Session(engine) as db:
        assert len(db.exec(select(KnowledgeSnapshot)).all()) == 1


def test_an_empty_lesson_earns_nothing_and_keeps_the_streak(engine: Engine) -> None:
    user = new_user(engine)
    lesson = new_lesson(engine, user)
    end_lesson(engine, lesson)
    summary = _summarise(engine, lesson)
    assert summary is not None and summary["xp"] == {"total": 0, "breakdown": {}}
    state = _state(engine, user)
    assert (state.xp, state.streak_days, state.lessons_completed) == (0, 0, 0)


def test_streak_counts_days_in_a_row_and_restarts_after_a_gap(engine: Engine) -> None:
    user = new_user(engine)
    monday = datetime(2026, 3, 2, 12, tzinfo=UTC)
    for ended, expected in [
        (monday, 1),
        (monday + timedelta(hours=3), 1),  # the same day again
        (monday + timedelta(days=1), 2),
        (monday + timedelta(days=2), 3),
        (monday + timedelta(days=5), 1),  # two days missed
    ]:
        lesson = new_lesson(engine, user)
        add_turn(engine, lesson, "Today I practised speaking English")
        end_lesson(engine, lesson, at=ended)
        summary = _summarise(engine, lesson, now=ended)
        assert summary is not None and summary["streak_days"] == expected
    state = _state(engine, user)
    assert state.longest_streak_days == 3 and state.last_active_on == date(2026, 3, 7)
