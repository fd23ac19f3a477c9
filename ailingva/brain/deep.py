"""The deep grammar pass as the brain runs it: one analyser per process, built on first use.

The analyser scores candidate edits with the local language model (`ANALYSIS_MODEL`, by default
the manifest's Qwen2.5-Coder 0.5B; `none` turns the pass off). When the model is not installed
the analysis goes on with the live findings alone and says so in the log once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from functools import cache
from typing import Protocol

from ailingva.grammar.checker import get_checker
from ailingva.grammar.deep.analyser import DeepAnalyser, DeepFinding
from ailingva.grammar.deep.classifier import WEIGHTS_FILE, Classifier
from ailingva.grammar.findings import Finding
from ailingva.providers.local.loading import model_spec
from ailingva.providers.local.scorer import LlamaScorer
from ailingva.providers.settings import ProviderSettings

log = logging.getLogger(__name__)

# The tutor brings a deep finding up in its next turn only at this classifier probability or more.
MENTION_CONFIDENCE = 0.85


class DeepPass(Protocol):
    def analyse(self, text: str, live: Sequence[Finding] = ()) -> list[DeepFinding]: ...


class _Serialised:
    """The analyser behind a lock: its scorer keeps one llama.cpp context, and the in-process
    job runner may run two analyses at once."""

    def __init__(self, analyser: DeepAnalyser) -> None:
        self._analyser = analyser
        self._lock = threading.Lock()

    def analyse(self, text: str, live: Sequence[Finding] = ()) -> list[DeepFinding]:
        with self._lock:
            return self._analyser.analyse(text, live)


@cache
def process_deep_pass() -> DeepPass | None:
    """The process's deep pass, or None when it is turned off or its model is missing."""
    settings = ProviderSettings()
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
    return _Serialised(DeepAnalyser(get_checker().parse, scorer, Classifier.load()))
