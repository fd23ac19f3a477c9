"""Turn-taking with the end-of-turn model (Smart Turn): a turn heard as finished is taken as
soon as its words are known, one heard as unfinished waits longer than the silence timeout."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ailingva.providers.audio import pcm16_to_float
from ailingva.providers.local.smart_turn import WINDOW_SECONDS, SmartTurn, log_mel
from ailingva.voice.turns import FRAME_BYTES, FRAME_MS, TurnDetector, TurnSignal, TurnTiming
from tests.voice.conftest import piper_speech, silence, spoken

TIMING = TurnTiming()


def frames(pcm: bytes) -> list[bytes]:
    return [pcm[i : i + FRAME_BYTES] for i in range(0, len(pcm) - FRAME_BYTES + 1, FRAME_BYTES)]


def paused_detector() -> TurnDetector:
    """A detector that heard a sentence and has just paused after it."""
    detector = TurnDetector(TIMING)
    signals: list[TurnSignal] = []
    for frame in frames(spoken("I went to the park.") + silence(1.0)):
        signals += detector.feed(frame)
        if TurnSignal.PAUSED in signals:
            break
    assert signals == [TurnSignal.SPEECH_STARTED, TurnSignal.PAUSED]
    assert detector.silence_ms == TIMING.pause_ms
    return detector


def silence_until_turn_ends(detector: TurnDetector, limit_ms: int = 5000) -> int:
    """Milliseconds of further silence until the detector gives the turn away."""
    for elapsed in range(FRAME_MS, limit_ms, FRAME_MS):
        if TurnSignal.TURN_ENDED in detector.feed(silence(FRAME_MS / 1000)):
            return elapsed
    return limit_ms


def test_a_turn_heard_as_finished_is_taken_once_its_words_are_known() -> None:
    detector = paused_detector()
    detector.finished = True
    # The words are not known yet: speech-to-text is still running.
    assert silence_until_turn_ends(detector, 100) == 100
    detector.unfinished = False
    assert silence_until_turn_ends(detector) == FRAME_MS
    # Without a verdict, the silence timeout.
    detector = paused_detector()
    detector.unfinished = False
    waited = TIMING.pause_ms + silence_until_turn_ends(detector)
    assert TIMING.commit_ms <= waited < TIMING.commit_ms + 2 * FRAME_MS


def test_a_turn_heard_as_unfinished_waits_longer_and_then_is_taken() -> None:
    detector = paused_detector()
    detector.finished = False
    detector.unfinished = False  # the words look complete; the voice says otherwise
    waited = TIMING.pause_ms + silence_until_turn_ends(detector)
    assert TIMING.incomplete_commit_ms <= waited < TIMING.incomplete_commit_ms + 2 * FRAME_MS
    assert waited > TIMING.unfinished_commit_ms > TIMING.commit_ms


def test_a_verdict_does_not_outlive_its_pause() -> None:
    detector = paused_detector()
    detector.finished = True
    signals: list[TurnSignal] = []
    for frame in frames(spoken("and then")):
        signals += detector.feed(frame)
    assert TurnSignal.RESUMED in signals
    assert detector.finished is None


def test_the_features_are_the_last_eight_seconds_zeros_first() -> None:
    rng = np.random.default_rng(1)
    short = (0.1 * rng.standard_normal(16_000 * 3)).astype(np.float32)
    long = np.concatenate([rng.standard_normal(16_000 * 7).astype(np.float32), short])
    padded = np.concatenate([np.zeros(16_000 * 5, dtype=np.float32), short])
    assert log_mel(short).shape == (80, 100 * WINDOW_SECONDS)
    np.testing.assert_array_equal(log_mel(short), log_mel(padded))
    assert not np.array_equal(log_mel(long[-16_000 * 8 :]), log_mel(padded))
    np.testing.assert_array_equal(log_mel(long), log_mel(long[-16_000 * 8 :]))


@pytest.mark.models
def test_the_model_hears_a_finished_and_an_unfinished_sentence(models_dir: Path) -> None:
    model = SmartTurn("smart-turn-v3.2", models_dir)
    pause = np.zeros(int(TIMING.pause_ms * 16), dtype=np.float32)

    def finished(text: str) -> float:
        voice = pcm16_to_float(piper_speech(models_dir, text))
        return model.finished(np.concatenate([voice, pause]))

    assert finished("I went to the park with my friend yesterday.") > 0.5
    assert finished("Can you help me with my homework?") > 0.5
    assert finished("I went to the park because") < 0.5
