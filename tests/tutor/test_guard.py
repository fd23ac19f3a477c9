"""The reply guard: the tutor's reply is cut at any role marker, whole or as a token stream."""

from __future__ import annotations

import pytest

from ailingva.tutor.guard import ReplyGuard, guard_reply, role_marker_at, stop_sequences

NAME = "Аня Petrova"
SAID = "Oh, nice! You went to the park yesterday. What did your brother do there?"
INVENTED = " He played with the dogs. Lingva: That's great!"
MARKERS = (
    "Student:",
    "Lingva:",
    "Tutor:",
    "User:",
    "Assistant:",
    "STUDENT:",
    "student :",
    "**Student:**",
    "Student：",
    "Teacher:",
    "Студент:",
    "Аня:",
    "аня petrova:",
)
# Where an invented turn begins: after a sentence, on a new line, glued to the text.
JOINS = (" ", "\n", "\n\n", "")


def streamed(text: str, chunks: list[int], name: str = NAME) -> str:
    """`text` fed to a guard in pieces of the given sizes (the last piece takes the rest)."""
    guard = ReplyGuard(name)
    out, at = "", 0
    for size in chunks:
        out += guard.feed(text[at : at + size])
        at += size
    return (out + guard.feed(text[at:]) + guard.flush()).strip()


@pytest.mark.parametrize("marker", MARKERS)
@pytest.mark.parametrize("join", JOINS)
def test_the_reply_is_cut_at_a_marker_in_the_middle(marker: str, join: str) -> None:
    text = SAID + join + marker + INVENTED
    assert guard_reply(text, NAME) == SAID
    assert role_marker_at(text, NAME) == len(SAID + join)


@pytest.mark.parametrize("marker", MARKERS)
@pytest.mark.parametrize("join", JOINS)
def test_the_stream_is_cut_wherever_the_chunks_split_the_marker(marker: str, join: str) -> None:
    text = SAID + join + marker + INVENTED
    marker_at = len(SAID + join)
    for split in range(marker_at - 3, marker_at + len(marker) + 2):
        assert streamed(text, [split]) == SAID, split
    for size in (1, 2, 3, 5, 8):
        assert streamed(text, [size] * len(text)) == SAID, size


def test_a_marker_of_another_turn_at_the_start_leaves_nothing() -> None:
    assert guard_reply("Student: I played football.", NAME) == ""
    assert streamed("User: hi. Lingva: Hello!", [1] * 30) == ""


@pytest.mark.parametrize("label", ["Lingva:", "lingva :", "**Tutor:**", "Assistant:"])
def test_the_tutors_own_label_at_the_start_is_dropped(label: str) -> None:
    text = f"{label} Great! What did you do? Student: I swam. Lingva: Cool!"
    assert guard_reply(text, NAME) == "Great! What did you do?"
    assert streamed(text, [1] * len(text)) == "Great! What did you do?"
    assert streamed(text, [3, 4, 2]) == "Great! What did you do?"


@pytest.mark.parametrize(
    "text",
    [
        "I am a student. My teacher is nice.",
        "Tutorial: a film about users.",
        "The AI in the film is scary! Is a student there?",
        "Anyway, what is your favourite subject?",
    ],
)
def test_text_without_a_marker_passes_whole(text: str) -> None:
    assert guard_reply(text, NAME) == text
    assert streamed(text, [1] * len(text)) == text
    assert role_marker_at(text, NAME) is None


def test_only_a_possibly_starting_marker_is_held_back() -> None:
    guard = ReplyGuard(NAME)
    assert guard.feed("What is your name? Stu") == "What is your name? "
    assert guard.feed("pid question.") == "Stupid question."
    assert guard.feed(" Lingva") == " "
    assert guard.feed(" is my name.") == "Lingva is my name."
    assert guard.feed(" Nice to meet you.") == " Nice to meet you."
    assert not guard.cut
    assert guard.feed(" Stud") == " "
    assert guard.feed("ent: hi") == ""
    assert guard.cut
    assert guard.feed(" more") == "" and guard.flush() == ""


def test_stop_sequences_name_the_roles_and_the_student() -> None:
    stops = stop_sequences(NAME)
    assert stops[:2] == ("Student:", "Lingva:")
    assert "Аня Petrova:" in stops and "User:" in stops
    assert "" not in stop_sequences("")
