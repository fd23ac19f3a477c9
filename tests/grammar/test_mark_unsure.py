"""A finding on words speech-to-text was unsure of becomes a question, not a correction."""

from __future__ import annotations

from ailingva.grammar.findings import Category, Finding, mark_unsure

TEXT = "Yesterday I goed to park"
GOED = Finding(12, 16, "goed", "went", Category.VERB_FORM, "…")
PARK = Finding(20, 20, "", "the ", Category.ARTICLES, "…")  # a missing word before "park"


def test_a_finding_on_an_unsure_word_is_uncertain_and_the_rest_stay_sure() -> None:
    marked = mark_unsure((GOED, PARK), TEXT, ["goed"])
    assert [f.uncertain for f in marked] == [True, False]


def test_a_missing_word_is_unsure_when_a_word_beside_the_gap_is() -> None:
    assert [f.uncertain for f in mark_unsure((GOED, PARK), TEXT, ["Park."])] == [False, True]


def test_an_unsure_phrase_covers_every_finding_in_it() -> None:
    marked = mark_unsure((GOED, PARK), TEXT, ["I goed to park"])
    assert all(f.uncertain for f in marked)


def test_nothing_unsure_changes_nothing_and_the_mark_survives_storage() -> None:
    assert mark_unsure((GOED,), TEXT, []) == (GOED,)
    [marked] = mark_unsure((GOED,), TEXT, ["goed"])
    assert Finding.from_json(marked.as_json()) == marked
    assert Finding.from_json(GOED.as_json()).uncertain is False
