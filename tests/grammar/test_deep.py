"""The deep pass: candidate edits from the parse, and the decision over the scorer's verdicts."""

from __future__ import annotations

import pytest

from ailingva.grammar.checker import get_checker
from ailingva.grammar.deep.analyser import DeepAnalyser, to_finding
from ailingva.grammar.deep.candidates import Edit, EditKind, candidates
from ailingva.grammar.deep.classifier import Classifier, fit
from ailingva.grammar.deep.features import FEATURE_NAMES
from ailingva.grammar.findings import Category, Finding
from tests.grammar.deep_fakes import PARK, WordCostScorer, trusting_classifier


def _edits(text: str) -> set[tuple[str, str, EditKind]]:
    return {(e.original, e.replacement, e.kind) for e in candidates(get_checker().parse(text))}


@pytest.mark.parametrize(
    ("text", "edit"),
    [
        ("I live in Middle East.", ("", "the ", EditKind.ARTICLE_INSERT)),
        ("She bought car yesterday.", ("", "a ", EditKind.ARTICLE_INSERT)),
        ("I like the music very much.", ("the ", "", EditKind.ARTICLE_DELETE)),
        ("It depends of the weather.", ("of", "on", EditKind.PREP_SUB)),
        ("We discussed about the plan.", ("about ", "", EditKind.PREP_DELETE)),
        ("He go to school every day.", ("go", "goes", EditKind.VERB_FORM)),
        ("Yesterday I go to the park.", ("go", "went", EditKind.VERB_FORM)),
        ("The children is happy.", ("is", "are", EditKind.VERB_FORM)),
        ("I have two brother.", ("brother", "brothers", EditKind.NOUN_NUMBER)),
    ],
)
def test_candidates_include_the_learners_fix(text: str, edit: tuple[str, str, EditKind]) -> None:
    assert edit in _edits(text)


def test_candidates_leave_misspelled_words_and_infinitive_to_alone() -> None:
    edits = _edits("I want to remeber it.")
    assert not any(original == "remeber" for original, _, _ in edits)
    assert not any(original == "to" and kind == EditKind.VERB_FORM for original, _, kind in edits)


def test_candidate_edits_quote_the_text() -> None:
    text = "The people depends of weather in Middle East."
    for e in candidates(get_checker().parse(text)):
        assert text[e.start : e.end] == e.original
        assert e.apply(text) != text


def _analyser(costs: dict[str, float], classifier: Classifier | None = None) -> DeepAnalyser:
    return DeepAnalyser(
        get_checker().parse, WordCostScorer(costs), classifier or trusting_classifier()
    )


def test_an_edit_the_model_prefers_is_reported_with_a_russian_explanation() -> None:
    analyser = _analyser({**PARK, "went": -0.5})
    [found] = analyser.analyse("Yesterday I go to the park.")
    assert (found.finding.original, found.finding.correction) == ("go", "went")
    assert found.finding.category == Category.VERB_FORM
    assert found.finding.source == "analysis"
    assert "went" in found.finding.explanation and "глагол" in found.finding.explanation
    assert found.confidence > 0.9


def test_an_edit_below_the_margin_or_the_threshold_is_not_reported() -> None:
    text = "Yesterday I go to the park."
    # "went" is preferred by 1.0 only: under the margin of 1.5.
    assert _analyser({**PARK, "went": -2.0}).analyse(text) == []
    # Preferred by far, but the classifier's probability is under its threshold.
    doubtful = Classifier(**{**trusting_classifier().__dict__, "bias": -4.6})
    assert _analyser({**PARK, "went": -0.5}, doubtful).analyse(text) == []


def test_a_likely_sentence_is_not_rescored() -> None:
    analyser = _analyser({w: -0.1 for w in ["yesterday", "i", "went", "to", "the", "park"]})
    scorer = analyser._scorer
    assert analyser.analyse("Yesterday I went to the park.") == []
    assert isinstance(scorer, WordCostScorer) and scorer.calls == 1  # the original, once


def test_kinds_the_classifier_has_turned_off_are_not_scored() -> None:
    text = "Yesterday I go to the park."
    trusting = trusting_classifier()
    kinds = {k: 1.0 for k in EditKind if k != EditKind.VERB_FORM}
    verbs_only = Classifier(**{**trusting.__dict__, "kind_thresholds": kinds})
    scored = _analyser({**PARK, "went": -0.5}, verbs_only).score_edits(text)
    assert scored and {s.edit.kind for s in scored} == {EditKind.VERB_FORM}
    assert {s.edit.kind for s in _analyser(PARK, trusting).score_edits(text)} > {EditKind.VERB_FORM}
    nothing = Classifier(**{**trusting.__dict__, "threshold": 1.0})
    analyser = _analyser(PARK, nothing)
    assert analyser.score_edits(text) == []
    assert isinstance(analyser._scorer, WordCostScorer) and analyser._scorer.calls == 0


def test_one_edit_per_site_and_none_over_a_live_finding() -> None:
    text = "Yesterday I go to the park."
    analyser = _analyser({**PARK, "went": -0.5, "goes": -3.5, "gone": -1.0})
    found = analyser.analyse(text)
    assert [f.finding.correction for f in found] == ["went"]
    live = Finding(12, 14, "go", "went", Category.VERB_FORM, "Пояснение.", "rules")
    assert analyser.analyse(text, [live]) == []


def test_the_fix_shown_keeps_the_tense_unless_the_model_clearly_wants_another() -> None:
    costs = {w: -0.9 for w in ("we", "very", "happy", "then")}
    [found] = _analyser({**costs, "were": -1.0, "are": -0.5}).analyse("We was very happy then.")
    assert (found.finding.original, found.finding.correction) == ("was", "were")
    # "Yesterday I go": only a change of tense fits, and the model wants it by far.
    [found] = _analyser({**PARK, "went": -0.5, "goes": -2.8}).analyse("Yesterday I go to the park.")
    assert found.finding.correction == "went"


def test_findings_cover_whole_words() -> None:
    text = "I live in Middle East."
    insert = to_finding(text, Edit(10, 10, "", "the ", EditKind.ARTICLE_INSERT))
    assert (insert.original, insert.correction) == ("Middle", "the Middle")
    assert insert.category == Category.ARTICLES
    text = "I like the music."
    delete = to_finding(text, Edit(7, 11, "the ", "", EditKind.ARTICLE_DELETE))
    assert (delete.start, delete.end, delete.original, delete.correction) == (7, 10, "the", "")
    agreement = to_finding("He go home.", Edit(3, 5, "go", "goes", EditKind.VERB_FORM))
    assert agreement.category == Category.AGREEMENT


def test_the_classifier_learns_which_side_of_the_delta_is_right() -> None:
    x = [[0.0] * len(FEATURE_NAMES) for _ in range(40)]
    y = []
    for i, row in enumerate(x):
        row[FEATURE_NAMES.index("delta:verb_form")] = float(i % 10) - 4.5
        y.append(int(i % 10 >= 5))
    model = fit(x, y, threshold=0.5, min_delta=0.0)
    high, low = list(x[9]), list(x[0])
    assert model.probability(high) > 0.8 > 0.2 > model.probability(low)
