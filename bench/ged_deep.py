"""The deep pass on REALEC for `bench.ged_realec --path analysis`: score every sentence's
candidate edits once (cached), train the classifier with cross-validation, decide, report."""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path

from ailingva.grammar.deep.analyser import DeepAnalyser, beside, to_finding
from ailingva.grammar.deep.candidates import Edit, EditKind
from ailingva.grammar.deep.classifier import L2, Classifier, fit
from ailingva.grammar.deep.features import EditScores, vector
from ailingva.grammar.findings import Finding

Labeller = Callable[[int, list[Finding]], list[str]]


def score_all(
    analyser: DeepAnalyser, texts: Sequence[str], cache: Path | None
) -> tuple[list[list[EditScores]], float]:
    """Each text's scored edits (read from `cache` where it has them), and the seconds spent."""
    known: dict[str, list[EditScores]] = {}
    if cache is not None and cache.exists():
        for line in cache.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            known[row["text"]] = [_from_json(s) for s in row["edits"]]
    out: list[list[EditScores]] = []
    spent = cpu_spent = 0.0
    fresh = 0
    sink = cache.open("a", encoding="utf-8") if cache is not None else None
    try:
        for n, text in enumerate(texts, 1):
            if text in known:
                out.append(known[text])
                continue
            started, cpu = time.perf_counter(), time.process_time()
            scored = analyser.score_edits(text)
            spent += time.perf_counter() - started
            cpu_spent += time.process_time() - cpu
            fresh += 1
            out.append(scored)
            if sink is not None:
                edits = [_to_json(s) for s in scored]
                sink.write(json.dumps({"text": text, "edits": edits}) + "\n")
                sink.flush()
            rate = fresh / spent if spent else 0.0
            print(
                f"\rdeep pass {n}/{len(texts)} ({rate:.2f} sentences/s, "
                f"{cpu_spent / fresh:.2f} CPU s each)",
                end="",
                file=sys.stderr,
                flush=True,
            )
    finally:
        if sink is not None:
            sink.close()
    print(file=sys.stderr)
    if fresh:
        print(f"deep pass: {fresh} sentences scored, {cpu_spent / fresh:.2f} CPU s each")
    return out, (spent / fresh if fresh else 0.0)


def cached_texts(cache: Path) -> set[str]:
    """The sentences `cache` has scores for."""
    if not cache.exists():
        return set()
    return {json.loads(line)["text"] for line in cache.read_text(encoding="utf-8").splitlines()}


def _to_json(s: EditScores) -> dict[str, object]:
    data = asdict(s)
    data["edit"]["kind"] = str(s.edit.kind)
    return data


def _from_json(data: dict[str, object]) -> EditScores:
    edit = dict(data.pop("edit"))  # type: ignore[call-overload]
    edit["kind"] = EditKind(edit["kind"])
    return EditScores(edit=Edit(**edit), **data)  # type: ignore[arg-type]


def edit_labels(
    texts: Sequence[str], scored: Sequence[list[EditScores]], label: Labeller
) -> list[list[int]]:
    """1 for an edit whose finding marks only tokens labelled incorrect, else 0 (`label` gives
    the reference labels of the tokens findings mark)."""
    out = []
    for i, (text, edits) in enumerate(zip(texts, scored, strict=True)):
        out.append([int(_all_wrong(label(i, [to_finding(text, s.edit)]))) for s in edits])
    return out


def _all_wrong(gold: list[str]) -> bool:
    """Whether every token a finding marks is an error in the reference."""
    return bool(gold) and all(g == "i" for g in gold)


def train(
    scored: Sequence[list[EditScores]],
    labels: Sequence[list[int]],
    rows: Sequence[int],
    *,
    threshold: float,
    min_delta: float,
    kind_thresholds: dict[str, float] | None = None,
    l2: float = L2,
) -> Classifier:
    # Trained on the kinds that can be accepted only: the others' verdicts would blur theirs.
    on = {k for k, t in (kind_thresholds or {}).items() if t < 1.0} if threshold >= 1.0 else None
    x, y = [], []
    for i in rows:
        for s, yi in zip(scored[i], labels[i], strict=True):
            if s.scored and (on is None or s.edit.kind in on):
                x.append(vector(s))
                y.append(yi)
    return fit(
        x, y, threshold=threshold, min_delta=min_delta, kind_thresholds=kind_thresholds, l2=l2
    )


def folds_of(n: int, k: int) -> list[int]:
    """A fold number for each of `n` sentences: every k-th sentence in the same fold."""
    return [i % k for i in range(n)]


def decide_all(
    analyser: DeepAnalyser,
    texts: Sequence[str],
    scored: Sequence[list[EditScores]],
    classifiers: Sequence[Classifier],
    fold: Sequence[int],
    live: Sequence[list[Finding]],
    label: Labeller,
) -> tuple[list[list[Finding]], Counter[tuple[str, bool]]]:
    """Live findings plus the deep pass's, each sentence decided by its fold's classifier; and
    how many deep findings of each kind were right (every token they mark is an error) or not."""
    combined: list[list[Finding]] = []
    kinds: Counter[tuple[str, bool]] = Counter()
    for i, text in enumerate(texts):
        deep = beside(analyser.decide(text, scored[i], classifiers[fold[i]]), live[i])
        kinds.update((str(d.edit.kind), _all_wrong(label(i, [d.finding]))) for d in deep)
        combined.append(sorted([*live[i], *(d.finding for d in deep)], key=lambda f: f.start))
    return combined, kinds
