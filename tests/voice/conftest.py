"""Speech for the voice tests (espeak-ng: fast and deterministic) and a short billing minute."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from fastapi import FastAPI
from piper import PiperVoice, SynthesisConfig

from ailingva.providers.audio import chunk_to_wav, float_to_pcm16, to_float16k
from ailingva.providers.base import AudioChunk
from ailingva.voice.config import VoiceConfig
from ailingva.voice.turns import FRAME_BYTES, SAMPLE_RATE


def piper_speech(models_dir: Path, text: str) -> bytes:
    """`text` spoken by Piper (a natural voice), as 16 kHz mono PCM16. Without Piper's noise the
    same text is the same audio every run: with it, Whisper sometimes heard "have" as "has" and
    the test of the correction failed by chance."""
    voice = PiperVoice.load(
        models_dir / "piper-joe" / "en_US-joe-medium.onnx",
        config_path=models_dir / "piper-joe" / "en_US-joe-medium.onnx.json",
    )
    exact = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)
    pcm = b"".join(chunk.audio_int16_bytes for chunk in voice.synthesize(text, syn_config=exact))
    wav = chunk_to_wav(AudioChunk(pcm, voice.config.sample_rate))
    return float_to_pcm16(to_float16k(wav, provider="piper"))


@cache
def spoken(text: str) -> bytes:
    """`text` spoken by espeak-ng, as 16 kHz mono PCM16."""
    wav = subprocess.run(
        ["espeak-ng", "-v", "en-us", "--stdout", text], check=True, capture_output=True
    ).stdout
    return float_to_pcm16(to_float16k(wav, provider="espeak-ng"))


def silence(seconds: float) -> bytes:
    return b"\x00\x00" * int(seconds * SAMPLE_RATE)


def chunks(pcm: bytes, size: int = 50 * FRAME_BYTES) -> Iterator[bytes]:
    """Audio in 1 s messages: fast to send, and far from the flood limit."""
    for start in range(0, len(pcm), size):
        yield pcm[start : start + size]


@pytest.fixture
def voice_config(app: FastAPI) -> VoiceConfig:
    return app.state.voice_config  # type: ignore[no-any-return]
