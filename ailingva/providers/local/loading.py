"""Load each local model once per process, and only after its files are verified."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar, cast

from ailingva.providers.base import ProviderError, ProviderErrorCode
from ailingva.providers.local.manifest import MODELS, ModelSpec
from ailingva.providers.local.pull import model_problem

T = TypeVar("T")

# One lock for all loads: loads happen once per model per process, and loading two large models
# at the same time on two cores would only slow both down.
_lock = threading.Lock()
_loaded: dict[Hashable, Any] = {}


def load_verified(
    spec: ModelSpec,
    models_dir: Path,
    make: Callable[[], T],
    *options: Hashable,
    provider: str,
) -> T:
    """What `make` builds from the model's files, once per process for each `options`, and only
    after the files are verified (blocks: call from a worker thread)."""
    directory = spec.directory(models_dir)
    key = (spec.name, directory, *options)
    with _lock:
        if key not in _loaded:
            _verify(spec, models_dir, provider=provider)
            _loaded[key] = make()
        return cast(T, _loaded[key])


def model_spec(name: str, kind: str, *, provider: str) -> ModelSpec:
    """The manifest entry for a configured model name; a wrong name is a configuration error."""
    spec = MODELS.get(name)
    if spec is None or spec.kind != kind:
        known = ", ".join(n for n, s in MODELS.items() if s.kind == kind)
        raise ProviderError(
            ProviderErrorCode.NOT_CONFIGURED,
            f"unknown {kind} model {name!r}; known: {known}",
            provider=provider,
        )
    return spec


def _verify(spec: ModelSpec, models_dir: Path, *, provider: str) -> None:
    """Refuse to load a model whose files are missing or differ from the manifest."""
    problem = model_problem(spec, models_dir)
    if problem is not None:
        raise ProviderError(
            ProviderErrorCode.MODEL_MISSING,
            f"{problem}; run `ailingva models pull {spec.name}`",
            provider=provider,
        )
