"""A logistic regression over the features of `features.py`: the probability that an edit fixes
a real error. Trained by the bench on realec_dev_a.tsv (see `weights.md` for its licence)."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ailingva.grammar.deep.features import FEATURE_NAMES, KINDS

WEIGHTS_FILE = Path(__file__).with_name("weights.json")
# The defaults the bench trains with (tuned for precision by cross-validation on the dev data).
THRESHOLD = 1.0  # off, unless a kind has its own threshold
MIN_DELTA = 0.0
L2 = 10.0
# Tuned on the cross-validated probabilities of the dev data: the one kind where the 0.5B model's
# preference was right often enough (verb forms and agreement); the others are off.
KIND_THRESHOLDS = {"verb_form": 0.5}


@dataclass(frozen=True)
class Classifier:
    mean: list[float]
    scale: list[float]
    weights: list[float]
    bias: float
    threshold: float  # accept an edit at this probability or more (tuned for precision)
    min_delta: float  # and only when the model prefers it by at least this much
    features: tuple[str, ...] = FEATURE_NAMES
    # Per kind of edit, a threshold of its own (a kind the model judges poorly is turned off
    # with 1.0 or more); kinds not named use `threshold`.
    kind_thresholds: dict[str, float] = field(default_factory=dict)

    def threshold_for(self, kind: str) -> float:
        return self.kind_thresholds.get(kind, self.threshold)

    def off_kinds(self) -> frozenset[str]:
        """The kinds of edit this classifier never accepts (a threshold of 1 or more)."""
        return frozenset(k for k in KINDS if self.threshold_for(k) >= 1.0)

    def probability(self, x: Sequence[float]) -> float:
        z = self.bias + sum(
            w * (v - m) / s
            for w, v, m, s in zip(self.weights, x, self.mean, self.scale, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def save(self, path: Path = WEIGHTS_FILE) -> None:
        data = asdict(self)
        data["features"] = list(self.features)
        path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path = WEIGHTS_FILE) -> Classifier:
        data = json.loads(path.read_text(encoding="utf-8"))
        if tuple(data["features"]) != FEATURE_NAMES:
            raise ValueError(f"{path}: trained on other features; train again")
        data["features"] = tuple(data["features"])
        return cls(**data)


def fit(
    x: Sequence[Sequence[float]],
    y: Sequence[int],
    *,
    threshold: float,
    min_delta: float,
    kind_thresholds: dict[str, float] | None = None,
    l2: float = L2,
    steps: int = 300,
) -> Classifier:
    """Logistic regression by Newton's method on standardised features, L2-regularised."""
    a = np.asarray(x, dtype=float)
    t = np.asarray(y, dtype=float)
    mean = a.mean(axis=0)
    scale = a.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = np.hstack([np.ones((len(a), 1)), (a - mean) / scale])
    w = np.zeros(z.shape[1])
    reg = np.full(z.shape[1], l2)
    reg[0] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ w, -30, 30)))
        grad = z.T @ (p - t) + reg * w
        hess = (z.T * (p * (1 - p))) @ z + np.diag(reg + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if float(np.abs(step).max()) < 1e-6:
            break
    return Classifier(
        mean=[float(v) for v in mean],
        scale=[float(v) for v in scale],
        weights=[float(v) for v in w[1:]],
        bias=float(w[0]),
        threshold=threshold,
        min_delta=min_delta,
        kind_thresholds=dict(kind_thresholds or {}),
    )
