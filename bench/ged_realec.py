"""Grammatical error detection on REALEC (MultiGED-2023 format): token P, R and F0.5.

Usage: python -m bench.ged_realec [--data PATH] [--hyp-out FILE] [--limit N]

Scores the `i` (incorrect) label the way the shared task does ("all"), and again only on common
alphabetic English words ("real-word": the errors a speech transcript can contain).
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from wordfreq import zipf_frequency

from ailingva.grammar.checker import get_checker
from ailingva.grammar.findings import Finding

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


def run(data: Path, hyp_out: Path | None, limit: int | None) -> str:
    """Score the checker on `data`; print the report and return its last line."""
    sentences = read_sentences(data)[:limit]
    checker = get_checker()
    every, real = Counts(), Counts()
    hypotheses: list[list[str]] = []
    started = time.perf_counter()
    for first in range(0, len(sentences), BATCH):
        batch = sentences[first : first + BATCH]
        joined = [join_tokens([token for token, _ in sentence]) for sentence in batch]
        results = checker.check_many([text for text, _ in joined])
        for sentence, (_, offsets), findings in zip(batch, joined, results, strict=True):
            labels = label_tokens(offsets, findings)
            hypotheses.append(labels)
            for (token, gold), hyp in zip(sentence, labels, strict=True):
                every.add(gold, hyp)
                if is_real_word(token):
                    real.add(gold, hyp)
        done = first + len(batch)
        print(f"\r{done}/{len(sentences)} sentences", end="", file=sys.stderr, flush=True)
    elapsed = time.perf_counter() - started
    print(file=sys.stderr)
    if hyp_out is not None:
        write_hypotheses(hyp_out, sentences, hypotheses)
    speed = len(sentences) / elapsed if elapsed else 0.0
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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="MultiGED .tsv file")
    parser.add_argument("--hyp-out", type=Path, help="write per-token labels here")
    parser.add_argument("--limit", type=int, help="only the first N sentences")
    args = parser.parse_args(argv)
    run(args.data, args.hyp_out, args.limit)


if __name__ == "__main__":
    main()
