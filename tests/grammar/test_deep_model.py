"""The deep pass with the real local language model (Qwen2.5-Coder 0.5B through llama.cpp) and
the shipped classifier, on a handful of sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from ailingva.grammar.checker import get_checker
from ailingva.grammar.deep.analyser import DeepAnalyser
from ailingva.grammar.deep.classifier import Classifier
from ailingva.providers.local.pull import pull_models
from ailingva.providers.local.scorer import DEFAULT_MODEL, LlamaScorer

pytestmark = pytest.mark.models


@pytest.fixture(scope="module")
def scorer(models_dir: Path) -> LlamaScorer:
    pull_models([DEFAULT_MODEL], models_dir)
    return LlamaScorer(DEFAULT_MODEL, models_dir)


def _total(scorer: LlamaScorer, text: str) -> float:
    return sum(lp for _, _, lp in scorer.token_logprobs(text, 0, len(text)))


def test_the_model_prefers_the_correct_form(scorer: LlamaScorer) -> None:
    assert _total(scorer, "He gets up early.") > _total(scorer, "He get up early.")
    assert _total(scorer, "It depends on the weather.") > _total(
        scorer, "It depends of the weather."
    )


def test_reused_prefixes_give_the_same_scores(scorer: LlamaScorer) -> None:
    text = "I live in the Middle East."
    fresh = scorer.token_logprobs(text, 0, len(text))
    scorer.token_logprobs("I live in Moscow.", 0, 17)  # the context now holds another ending
    again = scorer.token_logprobs(text, 10, len(text))
    # The same tokens in the same context; llama.cpp's sums differ a little with the batch size.
    expected = [lp for _, e, lp in fresh if e > 10]
    assert [lp for _, _, lp in again] == pytest.approx(expected, abs=0.1)
    [the] = scorer.next_logprobs(text, 10, ["the"])
    lp_the = next(lp for s, _, lp in fresh if text[s:].startswith(" the"))
    assert the == pytest.approx(lp_the, abs=0.1)


def test_variants_scored_in_one_batch_match_each_scored_alone(scorer: LlamaScorer) -> None:
    base = "My brother have two cars and a big house."
    variants = [
        ("My brother has two cars and a big house.", 11, 26),
        ("My brother have two car and a big house.", 20, 30),
        ("My brother have two cars and the big house.", 30, 43),
        ("The my brother have two cars and a big house.", 0, 14),
    ]
    batched = scorer.variant_logprobs(base, variants)
    alone = [scorer.token_logprobs(text, start, end) for text, start, end in variants]
    assert [[(s, e) for s, e, _ in v] for v in batched] == [
        [(s, e) for s, e, _ in v] for v in alone
    ]
    for b, a in zip(batched, alone, strict=True):
        assert [lp for _, _, lp in b] == pytest.approx([lp for _, _, lp in a], abs=0.1)
    assert all(v for v in batched)


def test_the_deep_pass_finds_learner_errors_and_leaves_correct_sentences(
    scorer: LlamaScorer,
) -> None:
    analyser = DeepAnalyser(get_checker().parse, scorer, Classifier.load())
    wrong = [
        "Yesterday I go to the cinema with my friends.",
        "My brother have two cars and a big house.",
        "We was very happy to see them again.",
        "He go to school every day.",
    ]
    right = [
        "Yesterday I went to the cinema with my friends.",
        "My brother has two cars and a big house.",
        "We were very happy to see them again.",
        "He goes to school every day.",
    ]
    found = [analyser.analyse(text) for text in wrong]
    fixes = {(d.finding.original, d.finding.correction) for f in found for d in f}
    assert {("was", "were"), ("go", "goes")} <= fixes, found
    assert all(analyser.analyse(text) == [] for text in right)
