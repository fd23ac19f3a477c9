"""A corrector model's sentence as edits of the learner's words, and the checks that keep them."""

from __future__ import annotations

from ailingva.grammar.checker import get_checker
from ailingva.grammar.deep.align import align
from ailingva.grammar.deep.analyser import DeepAnalyser, unchecked_corrections
from ailingva.grammar.deep.candidates import Edit, EditKind
from ailingva.grammar.findings import Category, Finding
from tests.grammar.deep_fakes import PARK, WordCostScorer, trusting_classifier


def test_each_changed_word_is_an_edit_of_its_kind() -> None:
    assert align("He go to school every day.", "He goes to school every day.") == [
        Edit(3, 5, "go", "goes", EditKind.VERB_FORM)
    ]
    assert align("I live in Middle East.", "I live in the Middle East.") == [
        Edit(10, 10, "", "the ", EditKind.ARTICLE_INSERT)
    ]
    assert align("We discussed about the plan.", "We discussed the plan.") == [
        Edit(13, 19, "about ", "", EditKind.PREP_DELETE)
    ]
    assert align(
        "I have two brother and make homework.", "I have two brothers and do homework."
    ) == [
        Edit(11, 18, "brother", "brothers", EditKind.NOUN_NUMBER),
        Edit(23, 27, "make", "do", EditKind.WORD_CHOICE),
    ]
    assert align("It depends of the weather", "It depends on the weather.") == [
        Edit(11, 13, "of", "on", EditKind.PREP_SUB)
    ]


def test_case_punctuation_and_rewrites_give_no_edits() -> None:
    assert align("yesterday i went home", "Yesterday, I went home.") == []
    assert (
        align("I go there.", "Honestly, my friend, that place is where we should all be going.")
        == []
    )
    long_run = align(
        "It was a good film.", "It was, I would say, quite a good film."
    )  # five words inserted at once: a rewrite of the phrase, left out
    assert long_run == []


def test_the_local_model_vetoes_what_it_finds_much_less_likely() -> None:
    text = "Yesterday I go to the park."
    analyser = DeepAnalyser(
        get_checker().parse, WordCostScorer({**PARK, "went": -0.5}), trusting_classifier()
    )
    [found] = analyser.check_corrections(text, "Yesterday I went to the park.")
    assert (found.finding.original, found.finding.correction) == ("go", "went")
    assert found.finding.category == Category.VERB_FORM and found.confidence >= 0.85
    # The model finds "walked" far less likely than "go" (-9 against -3): contradicted.
    analyser = DeepAnalyser(
        get_checker().parse, WordCostScorer({**PARK, "walked": -9.0}), trusting_classifier()
    )
    assert analyser.check_corrections(text, "Yesterday I walked to the park.") == []
    # A live finding on the same word keeps its place.
    live = Finding(12, 14, "go", "went", Category.VERB_FORM, "Пояснение.", "rules")
    assert analyser.check_corrections(text, "Yesterday I went to the park.", [live]) == []


def test_without_a_local_model_the_edits_are_kept_below_the_mention_confidence() -> None:
    [found] = unchecked_corrections("I make my homework.", "I do my homework.")
    assert (found.finding.original, found.finding.correction) == ("make", "do")
    assert found.finding.category == Category.WORD_CHOICE and found.confidence < 0.85
    assert "do my homework" in found.finding.explanation
