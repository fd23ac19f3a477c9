"""Turn-taking on real (espeak-ng) speech: when the pause is heard, at any loudness."""

from __future__ import annotations

import numpy as np

from ailingva.voice.turns import FRAME_BYTES, FRAME_MS, TurnDetector, TurnSignal, TurnTiming
from tests.voice.conftest import silence, spoken

TIMING = TurnTiming()


def frames(pcm: bytes) -> list[bytes]:
    return [pcm[i : i + FRAME_BYTES] for i in range(0, len(pcm) - FRAME_BYTES + 1, FRAME_BYTES)]


def last_loud_frame(pcm: bytes, floor: float) -> int:
    """The last frame whose RMS is above `floor` (of full scale)."""
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768
    chunked = samples[: len(samples) // 320 * 320].reshape(-1, 320)
    return int(np.flatnonzero(np.sqrt((chunked**2).mean(axis=1)) > floor)[-1])


def signals(pcm: bytes) -> list[tuple[int, TurnSignal]]:
    """What the detector says, frame by frame, up to the end of the turn."""
    detector = TurnDetector(TIMING)
    said: list[tuple[int, TurnSignal]] = []
    for index, frame in enumerate(frames(pcm)):
        said += [(index, signal) for signal in detector.feed(frame)]
        if said and said[-1][1] == TurnSignal.TURN_ENDED:
            break
    return said


def scaled(pcm: bytes, gain: float) -> bytes:
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float32) * gain
    return samples.astype("<i2").tobytes()


def test_the_pause_is_heard_when_the_voice_stops_not_when_the_vad_lets_go() -> None:
    speech = silence(0.5) + spoken("My brother have two cats and a dog.")
    pcm = speech + silence(1.5)
    events = signals(pcm)
    kinds = [s for _, s in events]
    assert kinds == [TurnSignal.SPEECH_STARTED, TurnSignal.PAUSED, TurnSignal.TURN_ENDED]
    paused = next(i for i, s in events if s == TurnSignal.PAUSED)
    ended = next(i for i, s in events if s == TurnSignal.TURN_ENDED)
    # The voice has faded out (below 1 % of full scale) at `voice_end`; the VAD alone keeps
    # saying "speech" for several frames more, which would delay the pause by as much.
    voice_end = last_loud_frame(speech, 0.01)
    assert 0 <= (paused - voice_end) * FRAME_MS - TIMING.pause_ms <= 3 * FRAME_MS
    assert ended - paused == (TIMING.commit_ms - TIMING.pause_ms) // FRAME_MS


def test_a_quiet_speaker_is_heard_the_same_way() -> None:
    speech = silence(0.5) + spoken("My brother have two cats and a dog.")
    loud = signals(speech + silence(1.5))
    quiet = signals(scaled(speech, 0.05) + silence(1.5))  # 26 dB quieter
    assert [s for _, s in quiet] == [s for _, s in loud]
    # The VAD needs a few more frames to trust quiet speech; the end is heard as soon.
    for (at_loud, signal), (at_quiet, _) in zip(loud, quiet, strict=True):
        assert abs(at_loud - at_quiet) <= (4 if signal == TurnSignal.SPEECH_STARTED else 2)


def test_a_short_pause_between_words_does_not_end_the_turn() -> None:
    # espeak-ng ends with 300 ms of silence: with this, a 400 ms pause.
    pcm = silence(0.5) + spoken("Yesterday I went") + silence(0.1) + spoken("to the park.")
    pcm += silence(1.5)
    kinds = [s for _, s in signals(pcm)]
    assert kinds == [
        TurnSignal.SPEECH_STARTED,
        TurnSignal.PAUSED,  # prepare an answer speculatively...
        TurnSignal.RESUMED,  # ...and drop it: the student went on
        TurnSignal.PAUSED,
        TurnSignal.TURN_ENDED,
    ]


def test_the_utterance_length_is_known_without_copying_the_audio() -> None:
    detector = TurnDetector(TIMING)
    for frame in frames(silence(0.5) + spoken("Yesterday I went to the park.")):
        detector.feed(frame)
        assert detector.utterance_ms == len(detector.utterance()) // 2 * 1000 // 16_000
    assert detector.utterance_ms > 1000
