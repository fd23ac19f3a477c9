"""Helpers for the provider tests: audio stand-ins and checks."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ailingva.providers.audio import pcm16_to_float
from ailingva.providers.base import AudioChunk


def tone(seconds: float, rate: int) -> npt.NDArray[np.float32]:
    """A 440 Hz sine, a stand-in for speech where only the bytes matter."""
    return (0.3 * np.sin(2 * np.pi * 440 * np.arange(int(seconds * rate)) / rate)).astype(
        np.float32
    )


def rms(chunk: AudioChunk) -> float:
    return float(np.sqrt(np.mean(pcm16_to_float(chunk.pcm) ** 2)))
