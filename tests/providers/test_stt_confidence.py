"""What speech-to-text was unsure of: Whisper's confidence on the transcript, so a misheard word
is never taken for the student's."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from ailingva.providers.audio import pcm16_to_float
from ailingva.providers.base import Segment, Transcript, Word
from ailingva.providers.local.whisper import WhisperSTT
from tests.voice.conftest import piper_speech

SENTENCE = "I saw a giraffe near the lake."


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z']+", text.lower()))


def test_an_unsure_segment_is_uncertain_whole_and_a_sure_one_by_its_words() -> None:
    sure = Segment(
        "I saw a draft",
        0.0,
        1.0,
        words=(Word("I", 0, 1, 0.9), Word("saw", 0, 1, 0.95), Word("draft", 0, 1, 0.3)),
        avg_logprob=-0.2,
        no_speech_prob=0.01,
    )
    unsure = Segment("near the lake", 1.0, 2.0, avg_logprob=-1.1, no_speech_prob=0.1)
    silent = Segment("thank you", 2.0, 3.0, avg_logprob=-0.3, no_speech_prob=0.8)
    transcript = Transcript("…", "en", (sure, unsure, silent))
    assert transcript.uncertain_text() == ("draft", "near the lake", "thank you")
    # An engine that reports no confidence reports nothing uncertain.
    assert Transcript("I saw", "en", (Segment("I saw", 0, 1),)).uncertain_text() == ()


@pytest.mark.models
async def test_whisper_flags_what_it_misheard_and_not_what_it_heard_clearly(
    models_dir: Path,
) -> None:
    stt = WhisperSTT("whisper-tiny-en", models_dir)
    speech = pcm16_to_float(piper_speech(models_dir, SENTENCE))

    clear = await stt.transcribe(speech, "en")
    assert _words(clear.text) == _words(SENTENCE) and clear.uncertain_text() == ()

    noise = np.random.default_rng(7).standard_normal(len(speech)).astype(np.float32)
    noisy = await stt.transcribe(np.clip(speech + 0.1 * noise, -1, 1), "en")
    misheard = _words(noisy.text) - _words(SENTENCE)
    assert misheard, noisy.text  # the noise is loud enough to be misheard
    assert misheard <= _words(" ".join(noisy.uncertain_text())), noisy
