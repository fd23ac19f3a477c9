"""The tutor's prompt: a fixed prefix for the lesson, the turn's notes at the end."""

from __future__ import annotations

import itertools

from ailingva.brain.memory import PromptRule, TutorMemory
from ailingva.grammar.checker import get_checker
from ailingva.grammar.findings import Category, Finding
from ailingva.providers.base import ChatMessage
from ailingva.tutor.guard import role_marker_at
from ailingva.tutor.pipeline import SentenceSplitter
from ailingva.tutor.prompt import (
    EXAMPLES,
    HISTORY_MAX_TURNS,
    HISTORY_STEP,
    PromptInput,
    StudentProfile,
    build_messages,
    history_start,
    rewrite_messages,
)

PROFILE = StudentProfile("Аня", level="A2", goals=("travel",))
FINDING = Finding(3, 7, "goed", "went", Category.VERB_FORM, "go — неправильный глагол: went.")


def test_the_system_prompt_does_not_change_with_the_turn() -> None:
    plain = build_messages(PromptInput(PROFILE), "I goed home.", [])
    busy = build_messages(
        PromptInput(
            PROFILE,
            memory=TutorMemory(
                rules=(PromptRule("Recast articles.", 10),), review_words=["although"]
            ),
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
    examples = ["user", "assistant"] * len(EXAMPLES)
    assert [m.role for m in busy] == ["system", *examples, "user", "assistant", "user"]
    assert plain[: 1 + len(examples)] == busy[: 1 + len(examples)]


def test_the_history_window_is_cut_in_steps() -> None:
    assert [history_start(n) for n in (0, 4, HISTORY_MAX_TURNS)] == [0, 0, 0]
    starts = [history_start(n) for n in range(HISTORY_MAX_TURNS + 1, 80)]
    # The start moves only once every HISTORY_STEP turns, so the prompt's prefix is reused.
    changes = sum(1 for a, b in itertools.pairwise(starts) if a != b)
    assert changes == len(range(HISTORY_MAX_TURNS + 1, 80)) // HISTORY_STEP
    for total in range(HISTORY_MAX_TURNS + 1, 80):
        seen = total - history_start(total)
        assert 4 <= seen <= HISTORY_MAX_TURNS


def test_the_examples_are_earlier_turns_and_no_message_has_a_role_label() -> None:
    data = PromptInput(
        PROFILE,
        memory=TutorMemory(rules=(PromptRule("Recast articles.", 10),), review_words=["although"]),
        history=(("student", "I goed home."), ("tutor", "You went home. Why?")),
    )
    messages = build_messages(data, "She don't like coffee.", [FINDING])
    examples = 2 * len(EXAMPLES)
    assert [m.role for m in messages[1 : 1 + examples]] == ["user", "assistant"] * len(EXAMPLES)
    assert messages[1 + examples :] == [
        ChatMessage("user", "I goed home."),
        ChatMessage("assistant", "You went home. Why?"),
        messages[-1],
    ]
    for message in messages:
        assert role_marker_at(message.content, PROFILE.name) is None, message
        assert "Lingva:" not in message.content and "Student" not in message.content
    # Each example's student message reads as a real one does (the same notes).
    said, fixes, _ = EXAMPLES[0]
    assert messages[1].content == f'{said} (Correct: "{fixes[0][0]}" -> "{fixes[0][1]}")'


def test_every_example_answer_is_short_clean_english_ending_with_a_question() -> None:
    checker = get_checker()
    for _, _, answer in EXAMPLES:
        sentences = SentenceSplitter().feed(answer + " ")
        assert 2 <= len(sentences) <= 3, answer
        assert answer.endswith("?"), answer
        assert [checker.check(s) for s in sentences] == [[] for _ in sentences], answer


def test_a_rewrite_keeps_the_lessons_messages_as_its_prefix() -> None:
    messages = build_messages(PromptInput(PROFILE), "I goed home.", [FINDING])
    request = rewrite_messages(
        messages, "Great! You goed home.", "You goed home.", [("goed", "went")]
    )
    assert request[: len(messages)] == messages
    assert [m.role for m in request[len(messages) :]] == ["assistant", "user"]
    assert '"goed" -> "went"' in request[-1].content and "You goed home." in request[-1].content
