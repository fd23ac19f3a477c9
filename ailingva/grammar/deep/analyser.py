"""The deep pass: candidate edits scored by a language model, kept by a classifier.

For each candidate (`candidates.py`) the sentence is scored with and without the edit over a
window of words after it (`scoring.py`); sites the model already finds likely are skipped, which
keeps the pass at a fraction of a second a sentence. The classifier (`classifier.py`) turns the
scores and bigram counts into a probability; an edit is reported when that probability and the
model's preference both pass their tuned thresholds, and no other finding covers its words.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from lemminflect import getAllLemmas, getInflection
from spacy.tokens import Doc

from ailingva.grammar.deep.align import align
from ailingva.grammar.deep.candidates import CATEGORY, Edit, EditKind, candidates
from ailingva.grammar.deep.classifier import Classifier
from ailingva.grammar.deep.features import EditScores, add_bigrams, vector
from ailingva.grammar.deep.scoring import LanguageScorer, TokenScore, total, window_end
from ailingva.grammar.explanations import explain
from ailingva.grammar.findings import Category, Finding

log = logging.getLogger(__name__)

# Words after an edit whose log-probability counts (the edit's effect is mostly local).
WINDOW_WORDS = 4
# A site whose every token has at least this log-probability is left alone (not re-scored).
SITE_GATE = -2.0
# An edit is re-scored only when its first word is at most this much less likely than the
# original's at the site (read from the original's scores: no extra model work).
FIRST_GATE = -1.0
# For an inserted article, its own log-probability above this floor stands for the gain.
INSERT_FLOOR = -2.0
AGREEMENT_PAIRS = frozenset(
    {
        frozenset(p)
        for p in (("is", "are"), ("am", "is"), ("am", "are"), ("was", "were"), ("has", "have"),
                  ("does", "do"))
    }
)  # fmt: skip
SOURCE = "analysis"
# What a change of tense costs a fix in log-probability, against one that keeps the tense.
TENSE_CHANGE = 2.5
# A corrector's edit is dropped when the local model prefers the learner's words by this much.
CONTRADICTION = -3.0
# The confidence of a corrector's edit the local model also prefers, and of one it does not.
CORRECTOR_AGREED = 0.9
CORRECTOR_ALONE = 0.7


@dataclass(frozen=True)
class DeepFinding:
    finding: Finding
    confidence: float
    edit: Edit


class DeepAnalyser:
    """Build once. Not thread-safe (the scorer keeps one context): callers serialise."""

    def __init__(
        self,
        parse: Callable[[str], Doc],
        scorer: LanguageScorer,
        classifier: Classifier | None,
        *,
        gate: float = SITE_GATE,
        first_gate: float = FIRST_GATE,
        window: int = WINDOW_WORDS,
    ) -> None:
        self._parse = parse
        self._scorer = scorer
        self._classifier = classifier
        self._gate = gate
        self._first_gate = first_gate
        self._window = window

    def score_edits(self, text: str) -> list[EditScores]:
        """Every candidate edit of `text` with its features (the model's and the bigrams'), but
        those of a kind the analyser's classifier has turned off."""
        doc = self._parse(text)
        # Kinds the classifier never accepts are not worth the model's time.
        off = self._classifier.off_kinds() if self._classifier is not None else frozenset()
        edits = [e for e in candidates(doc) if e.kind not in off]
        if not edits:
            return []
        original = self._scorer.token_logprobs(text, 0, len(text))
        results = [EditScores(e, _site_min(text, original, e)) for e in edits]
        for s in results:
            add_bigrams(text, s)
            if s.site_min <= self._gate:
                new, old = _first_words(text, s.edit)
                lp_new, lp_old = self._scorer.next_logprobs(text, s.edit.start, [new, old])
                # An inserted article is nearly always likelier than the noun it precedes: what
                # counts is whether the model expects one there at all.
                insert = s.edit.kind == EditKind.ARTICLE_INSERT
                s.first_gain = lp_new - INSERT_FLOOR if insert else lp_new - lp_old
                s.first_new, s.first_old = lp_new, lp_old
        chosen = [
            s for s in results if s.site_min <= self._gate and s.first_gain >= self._first_gate
        ]
        self._score(text, original, chosen)
        _margins(results)
        return results

    def _score(self, text: str, original: list[TokenScore], chosen: list[EditScores]) -> None:
        """Fill the window deltas of `chosen` (edits of `text`, whose scores are `original`)."""
        ends = [window_end(text, s.edit.end, self._window) for s in chosen]
        asks = [
            (s.edit.apply(text), s.edit.start, end + len(s.edit.replacement) - len(s.edit.original))
            for s, end in zip(chosen, ends, strict=True)
        ]
        for s, end, edited in zip(
            chosen, ends, self._scorer.variant_logprobs(text, asks), strict=True
        ):
            e = s.edit
            before = [t for t in original if t[1] > e.start and t[0] < end]
            s.delta = total(edited) - total(before)
            s.delta_after = total(edited, e.start + len(e.replacement)) - total(before, e.end)
            near = window_end(text, e.end, 1)
            shift = len(e.replacement) - len(e.original)
            s.delta_near = total(_upto(edited, near + shift)) - total(_upto(before, near))
            s.scored = True

    def check_corrections(
        self, text: str, corrected: str, live: Sequence[Finding] = ()
    ) -> list[DeepFinding]:
        """A corrector's sentence as findings: its edits of `text` (`align`), but those the
        local model contradicts (it prefers the learner's words by CONTRADICTION or more) and
        those over a live finding's words."""
        edits = align(text, corrected)
        if not edits:
            return []
        original = self._scorer.token_logprobs(text, 0, len(text))
        scored = [EditScores(e, _site_min(text, original, e)) for e in edits]
        self._score(text, original, scored)
        kept = [
            DeepFinding(
                to_finding(text, s.edit),
                CORRECTOR_AGREED if s.delta > 0 else CORRECTOR_ALONE,
                s.edit,
            )
            for s in scored
            if s.delta > CONTRADICTION
        ]
        return beside(kept, live)

    def decide(
        self, text: str, scored: Sequence[EditScores], classifier: Classifier | None = None
    ) -> list[DeepFinding]:
        """The edits the classifier (by default the analyser's) accepts, none overlapping."""
        classifier = classifier or self._classifier
        if classifier is None:
            return []
        accepted: list[tuple[float, EditScores]] = []
        for s in scored:
            if not s.scored or preference(s) < classifier.min_delta:
                continue
            p = classifier.probability(vector(s))
            if p >= classifier.threshold_for(s.edit.kind):
                accepted.append((p, s))
        # The classifier says whether a site is wrong; which fix to show is the model's choice
        # among the accepted ones there (the likeliest, a change of tense counting against it).
        sites: dict[tuple[int, int], tuple[float, EditScores]] = {}
        for p, s in accepted:
            key = (s.edit.start, s.edit.end)
            best_p, best = sites.get(key, (p, s))
            pick = s if _fix_rank(s) > _fix_rank(best) else best
            sites[key] = (max(p, best_p), pick)
        chosen: list[DeepFinding] = []
        for p, s in sorted(sites.values(), key=lambda a: -a[0]):
            finding = to_finding(text, s.edit)
            if all(_apart(finding, c.finding) for c in chosen):
                chosen.append(DeepFinding(finding, p, s.edit))
        return sorted(chosen, key=lambda d: d.finding.start)

    def analyse(self, text: str, live: Sequence[Finding] = ()) -> list[DeepFinding]:
        """What the deep pass adds to the live findings of `text` (never overlapping them)."""
        try:
            found = self.decide(text, self.score_edits(text))
        except Exception:  # the analysis must not fail a turn: it then adds nothing
            log.exception("deep grammar pass failed")
            return []
        return beside(found, live)


def unchecked_corrections(
    text: str, corrected: str, live: Sequence[Finding] = ()
) -> list[DeepFinding]:
    """A corrector's edits of `text` as findings when no local model can check them."""
    found = [DeepFinding(to_finding(text, e), CORRECTOR_ALONE, e) for e in align(text, corrected)]
    return beside(found, live)


def beside(found: Sequence[DeepFinding], live: Sequence[Finding]) -> list[DeepFinding]:
    """The deep findings that cover no word a live finding covers."""
    return [d for d in found if all(_apart(d.finding, f) for f in live)]


def preference(s: EditScores) -> float:
    """How much the model prefers the edit: the window's log-probability gain; for an inserted
    article, the gain of the words after it (an extra token always costs probability)."""
    return s.delta_after if s.edit.kind == EditKind.ARTICLE_INSERT else s.delta


def _fix_rank(s: EditScores) -> float:
    """How good a fix the model thinks an edit is; one that changes the verb's tense ("We was"
    -> "are") needs a clear lead over one that keeps it ("were")."""
    tense_change = s.edit.kind == EditKind.VERB_FORM and _is_past(s.edit.original) != _is_past(
        s.edit.replacement
    )
    return s.delta - (TENSE_CHANGE if tense_change else 0.0)


def _is_past(word: str) -> bool:
    low = word.lower()
    lemmas = getAllLemmas(low, upos="VERB").get("VERB", (low,))
    return any(low in (*getInflection(m, "VBD"), *getInflection(m, "VBN")) for m in lemmas)


def _upto(scores: list[TokenScore], end: int) -> list[TokenScore]:
    return [t for t in scores if t[0] < end]


def _site_min(text: str, scores: list[TokenScore], e: Edit) -> float:
    """The lowest log-probability among the tokens from the word before the edit to the word
    after it."""
    left = text.rfind(" ", 0, max(0, e.start - 1)) + 1
    right = window_end(text, e.end, 1)
    around = [lp for start, end, lp in scores if end > left and start < right]
    return min(around) if around else 0.0


def _first_words(text: str, e: Edit) -> tuple[str, str]:
    """The word the edited text has at the edit's start, and the word the original has there."""
    new = (e.replacement + text[e.end :]).split()
    old = text[e.start :].split()
    return (new[0] if new else ""), (old[0] if old else "")


def _margins(results: list[EditScores]) -> None:
    """Each scored edit's lead over the best other scored edit at the same site."""
    by_site: dict[tuple[int, int], list[EditScores]] = {}
    for s in results:
        if s.scored:
            by_site.setdefault((s.edit.start, s.edit.end), []).append(s)
    for group in by_site.values():
        for s in group:
            others = [o.delta for o in group if o is not s]
            s.margin = s.delta - max(others) if others else s.delta


def _apart(a: Finding, b: Finding) -> bool:
    """Whether two findings cover different words (an empty span sits before its offset)."""
    if a.start == a.end:
        return not b.start <= a.start < max(b.end, b.start + 1)
    if b.start == b.end:
        return _apart(b, a)
    return a.end <= b.start or b.end <= a.start


def category_of(edit: Edit) -> Category:
    if edit.kind == EditKind.VERB_FORM:
        pair = frozenset((edit.original.lower(), edit.replacement.lower()))
        if pair in AGREEMENT_PAIRS or _differ_by_s(edit.original.lower(), edit.replacement.lower()):
            return Category.AGREEMENT
    return CATEGORY[edit.kind]


def _differ_by_s(a: str, b: str) -> bool:
    short, long = sorted((a, b), key=len)
    return long in {short + "s", short + "es"} or (
        short.endswith("y") and long == short[:-1] + "ies"
    )


def to_finding(text: str, edit: Edit) -> Finding:
    """The edit as a finding over whole words: an inserted article is shown on the word it goes
    before ("point" -> "the point"), a deleted word alone ("the" -> "")."""
    start, end, correction = edit.start, edit.end, edit.replacement
    if edit.start == edit.end:
        end = window_end(text, start, 1)
        correction = edit.replacement + text[start:end]
    elif edit.replacement == "" or edit.kind == EditKind.ARTICLE_DELETE:
        start, end, correction = _deleted_word(text, edit)
    original = text[start:end]
    corrected = edit.apply(text)
    after = edit.start + len(edit.replacement)
    words = [
        *corrected[: edit.start].split()[-2:],
        *edit.replacement.split(),
        *corrected[after:].split()[:2],
    ]
    explanation = explain(
        f"deep_{edit.kind}", original=original, correction=correction, phrase=" ".join(words)
    )
    return Finding(start, end, original, correction, category_of(edit), explanation, source=SOURCE)


def _deleted_word(text: str, edit: Edit) -> tuple[int, int, str]:
    """The span of the one word a deletion removes, and what replaces it ("")."""
    start = edit.start
    while start < edit.end and text[start] == " ":
        start += 1
    end = start
    while end < len(text) and text[end].isalpha():
        end += 1
    return start, end, ""
