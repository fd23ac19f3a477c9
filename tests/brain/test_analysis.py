"""Analysis of a student turn: findings become events and weak words, exactly once per turn."""

import logging
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ailingva.brain import analysis, memory, tutor_rules
from ailingva.brain.models import BrainEvent, BrainEventKind
from ailingva.core.db import session_scope, utcnow
from ailingva.grammar.checker import get_checker
from ailingva.learning.models import StudentWord, WordStatus
from ailingva.lessons.models import LessonTurn, Pipeline, TurnRole
from tests.brain.helpers import (
    add_turn,
    analyse,
    analysis_turns,
    count,
    new_lesson,
    new_user,
    table_corrections,
)

SENTENCE = "Yesterday I buyed a magazine and I am agree with my friend"


def _results(engine: Engine, user_id: int, turn_id: int) -> dict[str, Any]:
    with Session(engine) as db:
        return {
            "analyses": len(analysis_turns(db, turn_id)),
            "events": sorted(
                (e.kind, str(e.payload.get("word") or e.payload.get("category")))
                for e in db.exec(select(BrainEvent).where(BrainEvent.user_id == user_id)).all()
            ),
            "words": sorted(
                (w.word, w.status, w.times_wrong)
                for w in db.exec(select(StudentWord).where(StudentWord.user_id == user_id)).all()
            ),
        }


def test_a_turn_gives_findings_events_and_weak_words(engine: Engine) -> None:
    user = new_user(engine)
    turn = add_turn(engine, new_lesson(engine, user), SENTENCE)

    result = analyse(engine, turn)

    assert result is not None
    assert [f.correction for f in result.findings] == ["bought", "shop", "I agree"]
    assert sorted(result.weak_words) == ["agree", "bought", "shop"]
    with Session(engine) as db:
        (marker,) = analysis_turns(db, turn)
        assert (marker.role, marker.pipeline) == (TurnRole.BRAIN, Pipeline.ANALYSIS)
        assert [c["category"] for c in marker.corrections] == ["verb_form", "word_choice", "calque"]
        errors = db.exec(
            select(BrainEvent).where(BrainEvent.kind == BrainEventKind.ERROR_DETECTED)
        ).all()
        assert {e.payload["original"] for e in errors} == {"buyed", "magazine", "I am agree"}
        assert all(e.turn_id == turn for e in errors)
        shop = db.exec(select(StudentWord).where(StudentWord.word == "shop")).one()
        assert shop.status == WordStatus.WEAK and shop.review_card and shop.due_at is not None


def test_running_twice_changes_nothing(engine: Engine) -> None:
    user = new_user(engine)
    turn = add_turn(engine, new_lesson(engine, user), SENTENCE)
    analyse(engine, turn)
    first = _results(engine, user, turn)

    assert analyse(engine, turn) is None
    assert _results(engine, user, turn) == first
    assert first["analyses"] == 1


def test_a_crash_mid_analysis_leaves_nothing_and_the_retry_one_set(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = new_user(engine)
    turn = add_turn(engine, new_lesson(engine, user), SENTENCE)
    with monkeypatch.context() as patch:

        def crash(*args: object, **kwargs: object) -> None:
            raise RuntimeError("worker died")

        patch.setattr(tutor_rules, "update_rules", crash)  # after the marker, events and words
        with pytest.raises(RuntimeError):
            analyse(engine, turn)
    assert _results(engine, user, turn) == {"analyses": 0, "events": [], "words": []}

    analyse(engine, turn)
    analyse(engine, turn)
    results = _results(engine, user, turn)
    assert results["analyses"] == 1
    assert [w for w in results["words"] if w[0] == "bought"] == [("bought", WordStatus.WEAK, 1)]


def test_the_database_refuses_a_second_analysis_of_a_turn(engine: Engine) -> None:
    user = new_user(engine)
    lesson = new_lesson(engine, user)
    turn = add_turn(engine, lesson, "Hello there")
    analyse(engine, turn)
    with pytest.raises(IntegrityError), session_scope(engine) as db:
        db.add(
            LessonTurn(
                lesson_id=lesson,
                seq=999,
                role=TurnRole.BRAIN,
                pipeline=Pipeline.ANALYSIS,
                source_turn_id=turn,
            )
        )


def test_only_student_turns_are_analysed(engine: Engine) -> None:
    user = new_user(engine)
    lesson = new_lesson(engine, user)
    tutor_turn = add_turn(engine, lesson, "Tell me about your day", role=TurnRole.TUTOR)
    assert analyse(engine, tutor_turn) is None
    assert analyse(engine, 2**31 - 1) is None
    with Session(engine) as db:
        assert count(db, BrainEvent) == 0


def test_stored_corrections_are_read_back_and_bad_entries_skipped(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    text = "Yesterday I buyed a magazine"
    buyed, magazine = table_corrections(text)
    corrections: list[Any] = [
        {**buyed, "confidence": 0.9},  # a key this version does not know: still a finding
        {k: v for k, v in magazine.items() if k != "correction"},
        {**magazine, "category": "tenses"},
        {**magazine, "start": "10"},
        {**magazine, "start": 0, "end": 8},  # a span that does not quote the text
        "magazine",
        None,
    ]
    user = new_user(engine)
    turn = add_turn(engine, new_lesson(engine, user), text, corrections=corrections)

    with caplog.at_level(logging.WARNING, logger=analysis.__name__):
        result = analyse(engine, turn)

    assert result is not None
    assert [(f.original, f.correction) for f in result.findings] == [("buyed", "bought")]
    assert result.weak_words == ["bought"]
    assert len([r for r in caplog.records if "skipped" in r.getMessage()]) == 6
    with Session(engine) as db:
        (marker,) = analysis_turns(db, turn)
        assert marker.corrections == [{**buyed, "pipeline": "live"}]


BAD_INPUTS = [
    "",
    "   \n\t ",
    "Я не знаю, что сказать.",
    "I want купить new телефон, как сказать «дешёвый»?",
    "эээ... ну... well... I think что it is хорошо",
    "😀🎉 ok!!! ??? ...",
    "\x07 control\u200b characters \ufeff\x1b[31m",
    "word " * 20_000,
    "a" * 10_000,
    "I I I I I the the the of of of",
]


@pytest.mark.parametrize("text", BAD_INPUTS, ids=range(len(BAD_INPUTS)))
@pytest.mark.parametrize("engine_name", ["table", "grammar"])
def test_bad_input_never_crashes(engine: Engine, text: str, engine_name: str) -> None:
    corrections = (
        table_corrections(text)
        if engine_name == "table"
        else [f.as_json() for f in get_checker().check(text)]
    )
    user = new_user(engine)
    turn = add_turn(engine, new_lesson(engine, user), text, corrections=corrections)

    result = analyse(engine, turn)

    assert result is not None
    with Session(engine) as db:
        assert len(analysis_turns(db, turn)) == 1
        for word in db.exec(select(StudentWord).where(StudentWord.user_id == user)).all():
            assert word.word.isascii() and 2 <= len(word.word) <= 64
    if not text.strip():
        assert result.findings == []


def test_a_word_asked_for_in_russian_becomes_weak(engine: Engine) -> None:
    user = new_user(engine)
    lesson = new_lesson(engine, user)
    asking = add_turn(engine, lesson, "I need to buy bread. Как сказать «булочная»?")
    add_turn(engine, lesson, '«Булочная» по-английски — "bakery".', role=TurnRole.TUTOR)
    follow_up = add_turn(engine, lesson, "Okay, I go to the bakery every morning")

    assert analyse(engine, asking) is not None
    assert analyse(engine, follow_up).weak_words == ["bakery"]  # type: ignore[union-attr]
    with Session(engine) as db:
        event = db.exec(
            select(BrainEvent).where(
                BrainEvent.kind == BrainEventKind.WEAK_WORD, BrainEvent.turn_id == follow_up
            )
        ).one()
        assert event.payload["reason"] == "asked"


def test_an_english_word_asked_about_in_russian_becomes_weak(engine: Engine) -> None:
    user = new_user(engine)
    turn = add_turn(engine, new_lesson(engine, user), "как сказать beautiful правильно?")
    assert analyse(engine, turn).weak_words == ["beautiful"]  # type: ignore[union-attr]


def test_asked_phrases_and_answers() -> None:
    assert analysis.asked_phrases("А как сказать «магазин»?") == ["магазин"]
    assert analysis.asked_phrases("как будет по-английски холодильник") == ["холодильник"]
    assert analysis.asked_phrases("I like it") == []
    assert analysis.english_answer('Это "fridge", а «shop» — магазин.') == ["fridge", "shop"]
    assert analysis.english_answer("Good job!") == []


def test_tutor_memory_is_empty_for_a_new_student(engine: Engine) -> None:
    user = new_user(engine)
    with Session(engine) as db:
        remembered = memory.tutor_memory(db, user, now=utcnow() + timedelta(days=1))
    assert remembered == memory.TutorMemory(rules=(), review_words=[])
