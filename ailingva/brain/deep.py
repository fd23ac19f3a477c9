"""The deep grammar pass as the brain runs it: one per process, built on first use.

The analyser scores candidate edits with the local language model (`ANALYSIS_MODEL`, e.g. the
manifest's Qwen2.5-Coder 0.5B; `none` turns it off). When the model is not installed the
analysis goes on with the live findings alone and says so in the log once. With
`ANALYSIS_LLM=openai` the pass also asks the OpenAI-compatible endpoint for the sentence
corrected and keeps the edits the local model (when there is one) does not contradict.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from functools import cache
from typing import Protocol

import openai

from ailingva.grammar.checker import get_checker
from ailingva.grammar.deep.analyser import (
    DeepAnalyser,
    DeepFinding,
    beside,
    unchecked_corrections,
)
from ailingva.grammar.deep.classifier import WEIGHTS_FILE, Classifier
from ailingva.grammar.findings import Finding
from ailingva.providers.local.loading import model_spec
from ailingva.providers.local.scorer import LlamaScorer
from ailingva.providers.settings import ProviderSettings

log = logging.getLogger(__name__)

# The tutor brings a deep finding up in its next turn only at this classifier probability or more.
MENTION_CONFIDENCE = 0.85
CORRECTOR_PROMPT = (
    "You correct the English of a learner whose first language is Russian. Reply with the "
    "learner's sentence corrected and nothing else. Change as few words as possible: keep the "
    "words that are right, the meaning and the style."
)


class DeepPass(Protocol):
    def analyse(self, text: str, live: Sequence[Finding] = ()) -> list[DeepFinding]: ...


class Corrector(Protocol):
    def correct(self, text: str) -> str | None: ...


class OpenAICorrector:
    """Asks an OpenAI-compatible endpoint for the learner's sentence corrected; None when it
    fails (the analysis then goes on without it)."""

    def __init__(self, settings: ProviderSettings) -> None:
        key = settings.openai_api_key
        self._client = openai.OpenAI(
            api_key=key.get_secret_value() if key else "not-set",
            base_url=settings.openai_base_url,
            timeout=settings.openai_timeout_seconds,
            max_retries=0,
        )
        self._model = settings.openai_llm_model

    def correct(self, text: str) -> str | None:
        try:
            reply = self._client.chat.completions.create(
                model=self._model,
                messages=[
                    {"role": "system", "content": CORRECTOR_PROMPT},
                    {"role": "user", "content": text},
                ],
                temperature=0.0,
                max_tokens=2 * len(text.split()) + 16,
            )
        except openai.OpenAIError as exc:
            log.warning("the corrector model failed: %s", type(exc).__name__)
            return None
        answer = (reply.choices[0].message.content or "").strip() if reply.choices else ""
        return answer.splitlines()[0].strip().strip('"') if answer else None


class AnalysisPass:
    """The analyser and the corrector behind a lock: the scorer keeps one llama.cpp context,
    and the in-process job runner may run two analyses at once."""

    def __init__(self, analyser: DeepAnalyser | None, corrector: Corrector | None) -> None:
        self._analyser = analyser
        self._corrector = corrector
        self._lock = threading.Lock()

    def analyse(self, text: str, live: Sequence[Finding] = ()) -> list[DeepFinding]:
        with self._lock:
            found = self._analyser.analyse(text, live) if self._analyser is not None else []
            corrected = self._corrector.correct(text) if self._corrector is not None else None
            if not corrected:
                return found
            if self._analyser is not None:
                extra = self._analyser.check_corrections(text, corrected, live)
            else:
                extra = unchecked_corrections(text, corrected, live)
            taken = [*live, *(d.finding for d in found)]
            return sorted([*found, *beside(extra, taken)], key=lambda d: d.finding.start)


def deep_pass(settings: ProviderSettings, corrector: Corrector | None = None) -> DeepPass | None:
    """The deep pass `settings` ask for, or None when it is turned off or its model is missing."""
    analyser = _analyser(settings)
    if corrector is None and settings.analysis_llm == "openai":
        corrector = OpenAICorrector(settings)
    if analyser is None and corrector is None:
        return None
    return AnalysisPass(analyser, corrector)


@cache
def process_deep_pass() -> DeepPass | None:
    """The process's deep pass (from the environment's settings), built once."""
    return deep_pass(ProviderSettings())


def _analyser(settings: ProviderSettings) -> DeepAnalyser | None:
    name = settings.analysis_model
    if name.strip().lower() in ("", "none"):
        return None
    spec = model_spec(name, "llm", provider=f"local:{name}")
    if not WEIGHTS_FILE.exists():
        log.warning("deep grammar pass off: no trained weights in %s", WEIGHTS_FILE)
        return None
    if not spec.main_file(settings.models_dir).exists():
        log.warning("deep grammar pass off: %s is not installed (ailingva models pull)", name)
        return None
    scorer = LlamaScorer(name, settings.models_dir, n_threads=settings.local_threads)
    return DeepAnalyser(get_checker().parse, scorer, Classifier.load())
