"""Fixtures for the provider tests: real small models pulled once per session, audio checks."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from ailingva.core.config import PROJECT_ROOT
from ailingva.providers.audio import pcm16_to_float
from ailingva.providers.base import AudioChunk
from ailingva.providers.local.manifest import TEST_SET
from ailingva.providers.local.pull import pull_models


@pytest.fixture(scope="session")
def models_dir() -> Path:
    """The small test models, pulled through the project's own pull code (cached across runs)."""
    directory = Path(os.environ.get("MODELS_DIR", PROJECT_ROOT / "models"))
    pull_models(TEST_SET, directory)
    return directory


def tone(seconds: float, rate: int) -> npt.NDArray[np.float32]:
    """A 440 Hz sine, a stand-in for speech where only the bytes matter."""
    return (0.3 * np.sin(2 * np.pi * 440 * np.arange(int(seconds * rate)) / rate)).astype(
        np.float32
    )


def rms(chunk: AudioChunk) -> float:
    return float(np.sqrt(np.mean(pcm16_to_float(chunk.pcm) ** 2)))
