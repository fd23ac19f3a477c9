"""Grammatical error detection on REALEC (MultiGED-2023 format): token P, R and F0.5.

Usage: python -m bench.ged_realec [--path live|analysis] [--data PATH] [--hyp-out FILE]
       [--limit N] [--model NAME] [--folds K] [--cache FILE] [--train-out FILE]

Scores the `i` (incorrect) label the way the shared task does ("all"), and again only on common
alphabetic English words ("real-word": the errors a speech transcript can contain).

`--path live` is the live grammar engine; `--path analysis` adds the deep pass (candidate edits
scored by the local language model, kept by the classifier). With `--folds K` the classifier is
trained K times, each time on the other folds' sentences, so every sentence is judged by weights
that never saw it; `--train-out` writes the weights trained on all sentences. `--cache` keeps
the model's scores of each sentence, so a second run with other thresholds is quick.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from wordfreq import zipf_frequency

from ailingva.grammar.checker import get_checker
from ailingva.grammar.deep.analyser import FIRST_GATE, SITE_GATE, DeepAnalyser
from ailingva.grammar.deep.classifier import KIND_THRESHOLDS, MIN_DELTA, THRESHOLD, Classifier
from ailingva.grammar.findings import Finding
from ailingva.providers.local.scorer import DEFAULT_MODEL, LlamaScorer
from ailingva.providers.settings import ProviderSettings
from bench import ged_deep

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "eval" / "realec_dev_a.tsv"
NO_SPACE_BEFORE = frozenset({",", ".", "!", "?", ";", ":", ")", "]", "}", "%", "n't"})
NO_SPACE_AFTER = frozenset({"(", "[", "{"})
REAL_WORD_ZIPF = 3.0
# Sentences checked per call (`check_many`: the same findings as one by one, parsed faster).
BATCH = 100

Sentence = list[tuple[str, str]]


@dataclass
class Counts:
    """True positives, false positives and false negatives of the `i` label."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: str, hyp: str) -> None:
        if hyp == "i":
            if gold == "i":
                self.tp += 1
            else:
                self.fp += 1
        elif gold == "i":
            self.fn += 1

    def scores(self) -> tuple[float, float, float]:
        """Precision, recall and F0.5."""
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 1.25 * p * r / (0.25 * p + r) if p + r else 0.0
        return p, r, f


def read_sentences(path: Path) -> list[Sentence]:
    """Sentences of (token, label) pairs; a blank line ends a sentence."""
    sentences: list[Sentence] = []
    current: Sentence = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if current:
                sentences.append(current)
            current = []
            continue
        token, label = line.rsplit("\t", 1)
        current.append((token, label.strip()))
    if current:
        sentences.append(current)
    return sentences


def join_tokens(tokens: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """The tokens as text with normal spacing, and each token's (start, end) in it."""
    parts: list[str] = []
    offsets: list[tuple[int, int]] = []
    pos = 0
    for i, token in enumerate(tokens):
        attached = token in NO_SPACE_BEFORE or (token.startswith("'") and len(token) <= 3)
        if i and not attached and tokens[i - 1] not in NO_SPACE_AFTER:
            parts.append(" ")
            pos += 1
        parts.append(token)
        offsets.append((pos, pos + len(token)))
        pos += len(token)
    return "".join(parts), offsets


def label_tokens(offsets: list[tuple[int, int]], findings: list[Finding]) -> list[str]:
    """`i` for every token a finding overlaps; an empty (insertion) span marks the next token."""
    labels = ["c"] * len(offsets)
    for finding in findings:
        for i, (start, end) in enumerate(offsets):
            if finding.start == finding.end:
                if start >= finding.start:
                    labels[i] = "i"
                    break
            elif start < finding.end and finding.start < end:
                labels[i] = "i"
    return labels


def is_real_word(token: str) -> bool:
    return token.isalpha() and zipf_frequency(token.lower(), "en") >= REAL_WORD_ZIPF


def live_findings(sentences: list[Sentence]) -> tuple[list[list[Finding]], float]:
    """The live engine's findings of each sentence, and the seconds it took."""
    checker = get_checker()
    found: list[list[Finding]] = []
    started = time.perf_counter()
    for first in range(0, len(sentences), BATCH):
        batch = sentences[first : first + BATCH]
        found.extend(checker.check_many([sentence_text(s) for s in batch]))
        done = first + len(batch)
        print(f"\r{done}/{len(sentences)} sentences", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return found, time.perf_counter() - started


def sentence_text(sentence: Sentence) -> str:
    return join_tokens([token for token, _ in sentence])[0]


def report(
    sentences: list[Sentence],
    findings: list[list[Finding]],
    seconds_each: float,
    hyp_out: Path | None,
) -> str:
    """Score `findings`; print the report and return its last line."""
    every, real = Counts(), Counts()
    hypotheses: list[list[str]] = []
    for sentence, found in zip(sentences, findings, strict=True):
        _, offsets = join_tokens([token for token, _ in sentence])
        labels = label_tokens(offsets, found)
        hypotheses.append(labels)
        for (token, gold), hyp in zip(sentence, labels, strict=True):
            every.add(gold, hyp)
            if is_real_word(token):
                real.add(gold, hyp)
    if hyp_out is not None:
        write_hypotheses(hyp_out, sentences, hypotheses)
    speed = 1.0 / seconds_each if seconds_each else 0.0
    elapsed = seconds_each * len(sentences)
    for name, counts in (("all", every), ("real-word", real)):
        p, r, f = counts.scores()
        print(
            f"{name:10} P={p:.3f} R={r:.3f} F0.5={f:.3f} "
            f"(tp={counts.tp} fp={counts.fp} fn={counts.fn})"
        )
    p, r, f = every.scores()
    summary = f"P={p:.3f} R={r:.3f} F0.5={f:.3f} sent_per_s={speed:.1f}"
    print(f"{len(sentences)} sentences in {elapsed:.1f} s")
    print(summary)
    return summary


def write_hypotheses(path: Path, sentences: list[Sentence], labels: list[list[str]]) -> None:
    """The per-token labels in the input's format (blank line between sentences)."""
    blocks = [
        "".join(f"{token}\t{label}\n" for (token, _), label in zip(sentence, hyp, strict=True))
        for sentence, hyp in zip(sentences, labels, strict=True)
    ]
    path.write_text("\n".join(blocks) + "\n", encoding="utf-8")


def run_analysis(sentences: list[Sentence], args: argparse.Namespace) -> str:
    """The live findings plus the deep pass's; print the report and return its last line."""
    live, live_seconds = live_findings(sentences)
    texts = [sentence_text(s) for s in sentences]
    scorer = LlamaScorer(args.model, args.models_dir, n_threads=args.threads)
    scorer.warm_up()
    kind_thresholds = dict(KIND_THRESHOLDS)
    for item in args.kind_threshold or ():
        kind, value = item.split("=")
        kind_thresholds[kind] = float(value)
    # Only the kinds these thresholds can accept are scored, as in the brain's analysis job.
    scope = replace(Classifier.load(), threshold=args.threshold, kind_thresholds=kind_thresholds)
    analyser = DeepAnalyser(
        get_checker().parse, scorer, scope, gate=args.gate, first_gate=args.first_gate
    )
    scored, deep_seconds = ged_deep.score_all(analyser, texts, args.cache)
    if deep_seconds:
        live_each = live_seconds / len(sentences)
        print(
            f"speed: live {1 / live_each:.1f} sentences/s, deep {1 / deep_seconds:.2f} "
            f"sentences/s in the same run (deep/live time {deep_seconds / live_each:.0f}x), "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
        )

    def gold_of(i: int, findings: list[Finding]) -> list[str]:
        _, offsets = join_tokens([token for token, _ in sentences[i]])
        marks = label_tokens(offsets, findings)
        return [gold for (_, gold), mark in zip(sentences[i], marks, strict=True) if mark == "i"]

    labels = ged_deep.edit_labels(texts, scored, gold_of)
    n_scored = sum(s.scored for edits in scored for s in edits)
    n_right = sum(
        y
        for ys, edits in zip(labels, scored, strict=True)
        for y, s in zip(ys, edits, strict=True)
        if s.scored
    )
    print(f"candidates {sum(map(len, scored))}, scored {n_scored}, fixing an error {n_right}")
    options: dict[str, Any] = {
        "threshold": args.threshold,
        "min_delta": args.min_delta,
        "kind_thresholds": kind_thresholds,
    }
    everyone = range(len(sentences))
    if args.folds:
        fold = ged_deep.folds_of(len(sentences), args.folds)
        classifiers = [
            ged_deep.train(scored, labels, [i for i in everyone if fold[i] != f], **options)
            for f in range(args.folds)
        ]
    else:
        fold, classifiers = [0] * len(sentences), [Classifier.load()]
    combined, kinds = ged_deep.decide_all(analyser, texts, scored, classifiers, fold, live, gold_of)
    for kind in sorted({k for k, _ in kinds}):
        print(f"deep {kind:15} right {kinds[kind, True]:4} wrong {kinds[kind, False]:4}")
    if args.train_out is not None:
        ged_deep.train(scored, labels, everyone, **options).save(args.train_out)
    return report(sentences, combined, (live_seconds / len(sentences)) + deep_seconds, args.hyp_out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--path", choices=("live", "analysis"), default="live")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="MultiGED .tsv file")
    parser.add_argument("--hyp-out", type=Path, help="write per-token labels here")
    parser.add_argument("--limit", type=int, help="only the first N sentences")
    parser.add_argument("--skip", type=int, default=0, help="leave out the first N sentences")
    parser.add_argument("--model", default=DEFAULT_MODEL, help="the scoring language model")
    parser.add_argument("--models-dir", type=Path, default=ProviderSettings().models_dir)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--folds", type=int, help="cross-validate the classifier in K folds")
    parser.add_argument("--cache", type=Path, help="keep the model's scores in this file")
    parser.add_argument(
        "--cached-only", action="store_true", help="only the sentences the cache has scored"
    )
    parser.add_argument("--train-out", type=Path, help="write the weights trained on all data")
    parser.add_argument("--gate", type=float, default=SITE_GATE)
    parser.add_argument("--first-gate", type=float, default=FIRST_GATE)
    parser.add_argument("--threshold", type=float, default=THRESHOLD)
    parser.add_argument("--min-delta", type=float, default=MIN_DELTA)
    parser.add_argument(
        "--kind-threshold", action="append", help="KIND=P: the threshold of one kind of edit"
    )
    args = parser.parse_args(argv)
    sentences = read_sentences(args.data)[args.skip :][: args.limit]
    if args.cached_only and args.cache is not None:
        known = ged_deep.cached_texts(args.cache)
        sentences = [s for s in sentences if sentence_text(s) in known]
    if args.path == "live":
        found, seconds = live_findings(sentences)
        report(sentences, found, seconds / len(sentences), args.hyp_out)
    else:
        run_analysis(sentences, args)


if __name__ == "__main__":
    main()
