"""The tutor's prompt: a fixed prefix for the lesson, the turn's notes at the end."""

from __future__ import annotations

import itertools

from ailingva.brain.memory import TutorMemory
from ailingva.grammar.findings import Category, Finding
from ailingva.tutor.prompt import (
    HISTORY_MAX_TURNS,
    HISTORY_STEP,
    PromptInput,
    StudentProfile,
    build_messages,
    history_start,
)

PROFILE = StudentProfile("Аня", level="A2", goals=("travel",))
FINDING = Finding(3, 7, "goed", "went", Category.VERB_FORM, "go — неправильный глагол: went.")


def test_the_system_prompt_does_not_change_with_the_turn() -> None:
    plain = build_messages(PromptInput(PROFILE), "I goed home.", [])
    busy = build_messages(
        PromptInput(
            PROFILE,
            memory=TutorMemory(rules=["Recast articles."], review_words=["although"]),
            history=(("student", "Hi"), ("tutor", "Hello!")),
        ),
        "I goed home.",
        [FINDING],
    )
    assert plain[0] == busy[0]
    assert "Аня" in plain[0].content and "A2" in plain[0].content and "travel" in plain[0].content
    last = busy[-1].content
    assert last.startswith("I goed home.")
    assert '"goed" -> "went"' in last and "Recast articles." in last and "although" in last
    assert [m.role for m in busy] == ["system", "user", "assistant", "user"]


def test_the_history_window_is_cut_in_steps() -> None:
    assert [history_start(n) for n in (0, 4, HISTORY_MAX_TURNS)] == [0, 0, 0]
    starts = [history_start(n) for n in range(HISTORY_MAX_TURNS + 1, 80)]
    # The start moves only once every HISTORY_STEP turns, so the prompt's prefix is reused.
    changes = sum(1 for a, b in itertools.pairwise(starts) if a != b)
    assert changes == len(range(HISTORY_MAX_TURNS + 1, 80)) // HISTORY_STEP
    for total in range(HISTORY_MAX_TURNS + 1, 80):
        seen = total - history_start(total)
        assert 4 <= seen <= HISTORY_MAX_TURNS
