"""The analysis job with the deep pass: its findings are stored once, marked with their pass,
and reach the summary, the XP, the weak words and the tutor's next prompt."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session, select

from ailingva.brain import memory, tasks
from ailingva.brain.models import BrainEvent, BrainEventKind
from ailingva.core.db import utcnow
from ailingva.grammar.checker import get_checker
from ailingva.grammar.deep.analyser import DeepAnalyser
from ailingva.lessons.models import Lesson
from ailingva.progress.outcome import lesson_outcome
from ailingva.tutor.prompt import user_message
from tests.brain.helpers import add_turn, analysis_turns, end_lesson, new_lesson, new_user
from tests.grammar.deep_fakes import PARK, WordCostScorer, trusting_classifier

SLIP = "Yesterday I go to the park."


def _deep() -> DeepAnalyser:
    """The real deep pass over a fake model that prefers "went"."""
    return DeepAnalyser(
        get_checker().parse, WordCostScorer({**PARK, "went": -0.5}), trusting_classifier()
    )


def _errors(db: Session, turn_id: int) -> list[dict[str, object]]:
    return [
        e.payload
        for e in db.exec(
            select(BrainEvent).where(
                BrainEvent.turn_id == turn_id, BrainEvent.kind == BrainEventKind.ERROR_DETECTED
            )
        ).all()
    ]


def test_the_deep_findings_are_stored_once_and_marked_with_their_pass(engine: Engine) -> None:
    user = new_user(engine)
    lesson = new_lesson(engine, user)
    turn = add_turn(engine, lesson, SLIP + " I am agree.")  # the live pass found "I am agree"
    deep = _deep()

    tasks.analyse_turn(engine, turn_id=turn, deep=deep)
    tasks.analyse_turn(engine, turn_id=turn, deep=deep)  # a retried job adds nothing

    with Session(engine) as db:
        [marker] = analysis_turns(db, turn)
        errors = _errors(db, turn)
    assert sorted((e["original"], e["correction"], e["pipeline"]) for e in errors) == [
        ("I am agree", "I agree", "live"),
        ("go", "went", "analysis"),
    ]
    deep_entry = next(c for c in marker.corrections if c["pipeline"] == "analysis")
    assert deep_entry["confidence"] > 0.9 and deep_entry["source"] == "analysis"
    assert marker.timings["deep_findings"] == 1


def test_the_summary_lists_deep_findings_and_the_turn_is_not_error_free(engine: Engine) -> None:
    user = new_user(engine)
    lesson = new_lesson(engine, user)
    add_turn(engine, lesson, SLIP)  # nothing for the live pass: only the analysis finds it
    end_lesson(engine, lesson)

    tasks.summarise_lesson(engine, lesson_id=lesson, deep=_deep())

    with Session(engine) as db:
        row = db.get(Lesson, lesson)
        assert row is not None and row.summary is not None
        summary = row.summary
    [found] = summary["deep_findings"]
    assert (found["original"], found["correction"]) == ("go", "went")
    assert found["category"] == "verb_form"
    assert "went" in found["explanation"]
    assert summary["errors"] == 1
    assert summary["xp"]["breakdown"]["clean_turns"] == 0
    assert any(n["category"] == "verb_form" for n in summary["grammar_notes"])
    # The card at the lesson's end lists it beside the live corrections (there were none).
    with Session(engine) as db:
        card = lesson_outcome(db, user, lesson)
    assert card.corrections == []
    assert [(f.original, f.correction, f.category) for f in card.deep_findings] == [
        ("go", "went", "verb_form")
    ]


def test_the_tutor_mentions_a_confident_deep_finding_in_the_next_turn_only(
    engine: Engine,
) -> None:
    user = new_user(engine)
    lesson = new_lesson(engine, user)
    tasks.analyse_turn(engine, turn_id=add_turn(engine, lesson, SLIP), deep=_deep())

    with Session(engine) as db:
        remembered = memory.tutor_memory(db, user, now=utcnow(), lesson_id=lesson)
    assert remembered.mention == '"go" -> "went"'
    assert '"go" -> "went"' in user_message("I like it.", [], remembered)

    # The next student turn (analysed, clean) is the previous one now: nothing to mention.
    clean = add_turn(engine, lesson, "I went to the park.")
    tasks.analyse_turn(engine, turn_id=clean, deep=_deep())
    with Session(engine) as db:
        assert memory.tutor_memory(db, user, now=utcnow(), lesson_id=lesson).mention is None
