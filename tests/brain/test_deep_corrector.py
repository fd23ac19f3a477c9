"""The deep pass with a corrector model (ANALYSIS_LLM=openai): its edits are aligned to the
learner's words, checked, merged with the local findings; a failing endpoint costs nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ailingva.brain.deep import AnalysisPass, OpenAICorrector, deep_pass
from ailingva.grammar.checker import get_checker
from ailingva.grammar.deep.analyser import DeepAnalyser
from ailingva.providers.local.manifest import MODELS
from ailingva.providers.local.pull import pull_models
from ailingva.providers.local.scorer import DEFAULT_MODEL
from ailingva.providers.settings import ProviderSettings
from tests import live_process as live
from tests.grammar.deep_fakes import PARK, WordCostScorer, trusting_classifier
from tests.http_peer import JsonHandler, http_server


class FixedCorrector:
    def __init__(self, answer: str | None) -> None:
        self.answer = answer
        self.asked: list[str] = []

    def correct(self, text: str) -> str | None:
        self.asked.append(text)
        return self.answer


def _settings(**values: Any) -> ProviderSettings:
    return ProviderSettings(analysis_model="none", **values)


def test_the_correctors_edits_join_the_findings() -> None:
    corrector = FixedCorrector("Yesterday I went to the park with my brothers.")
    deep = deep_pass(_settings(), corrector)
    assert deep is not None
    found = deep.analyse("Yesterday I go to the park with my brother.")
    assert corrector.asked == ["Yesterday I go to the park with my brother."]
    assert [(d.finding.original, d.finding.correction) for d in found] == [
        ("go", "went"),
        ("brother", "brothers"),
    ]


def test_with_a_local_model_its_findings_come_first_and_contradicted_edits_go() -> None:
    text = "Yesterday I go to the park."
    analyser = DeepAnalyser(
        get_checker().parse,
        WordCostScorer({**PARK, "went": -0.5, "walked": -9.0}),
        trusting_classifier(),
    )
    deep = AnalysisPass(analyser, FixedCorrector("Yesterday I walked to a park."))
    found = deep.analyse(text)
    # "went" is the local pass's; the corrector's "walked" is both contradicted and on its word.
    assert [(d.finding.original, d.finding.correction) for d in found] == [
        ("go", "went"),
        ("the", "a"),
    ]


class Broken(JsonHandler):
    def do_POST(self) -> None:
        self.send_json(500, {"error": {"message": "overloaded"}})


def test_a_failing_endpoint_leaves_the_analysis_to_the_local_checks() -> None:
    with http_server(Broken) as url:
        corrector = OpenAICorrector(_settings(openai_base_url=f"{url}/v1"))
        assert corrector.correct("He go to school.") is None
        deep = deep_pass(_settings(), corrector)
        assert deep is not None and deep.analyse("He go to school.") == []
    assert OpenAICorrector(_settings(openai_base_url=url + "/v1")).correct("He go.") is None


@pytest.mark.models
def test_a_llama_cpp_server_corrects_a_learner_sentence(models_dir: Path, tmp_path: Path) -> None:
    pull_models([DEFAULT_MODEL], models_dir)
    model = MODELS[DEFAULT_MODEL].main_file(models_dir)
    with live.llama_server(model, tmp_path / "llama.log") as base_url:
        settings = _settings(analysis_llm="openai", openai_base_url=base_url)
        deep = deep_pass(settings)
        assert deep is not None
        found = deep.analyse("He go to school every day.")
    assert ("go", "goes") in [(d.finding.original, d.finding.correction) for d in found]
