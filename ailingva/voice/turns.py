"""Turn-taking: when the student starts speaking, pauses, and has finished their turn.

WebRTC's VAD marks each 20 ms frame as speech or not. Speech starts after a few voiced frames
in a short window (a cough or a click does not count). A short pause lets the server start
working on the answer at once (speculatively); the turn is only taken after a longer silence,
longer still when the words so far sound unfinished ("and", "because", "the"...): learners
stop to think in the middle of a sentence, and must not be cut off.

An end-of-turn model (Smart Turn, voice/end_of_turn.py) may judge each short pause from the
voice itself: a turn it hears as finished is taken as soon as the words are known not to end
open (no sooner: the answer needs them anyway), one it hears as unfinished gets longer
(`incomplete_commit_ms`); without its verdict the silence timeouts decide.

The VAD holds its "speech" verdict for a while after the voice has stopped (100-180 ms, even
over digital silence). Once the student is speaking, a frame far quieter than their voice
(QUIET_DB below the utterance's level) counts as silence, so the pause is heard that much sooner.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import webrtcvad

SAMPLE_RATE = 16_000
FRAME_MS = 20
FRAME_BYTES = SAMPLE_RATE * FRAME_MS // 1000 * 2  # 640: PCM16 mono

# A frame this far below the utterance's voice level is silence, whatever the VAD says.
QUIET_DB = 30.0
# The voice level follows the loudest voiced frames and sinks slowly (about 6 dB a second).
LEVEL_DECAY_PER_FRAME = 0.986

# Words after which a sentence cannot have ended: wait longer before taking the turn.
UNFINISHED_ENDINGS = frozenset(
    """
    a an the and or but because so that to of in on at for with my your his her our their
    i i'm i've we you he she they it is am are was were have has had will would can could
    if when than then about from very really um uh er
    """.split()  # noqa: SIM905 - a word list reads best as text
)


@dataclass(frozen=True)
class TurnTiming:
    """Milliseconds. Defaults tuned for learners who pause while thinking."""

    start_voiced_ms: int = 120  # voiced frames within `start_window_ms` to count as speech
    start_window_ms: int = 240
    pause_ms: int = 240  # silence after which the answer is prepared (speculatively)
    commit_ms: int = 600  # silence after which the turn is the tutor's
    unfinished_commit_ms: int = 1500  # the same when the last word leaves the sentence open
    incomplete_commit_ms: int = 2000  # the same when the end-of-turn model hears it unfinished
    barge_in_voiced_ms: int = 200  # speech needed to interrupt the tutor (echo is shorter)
    max_utterance_ms: int = 30_000  # a monologue is cut here and answered


class TurnSignal(StrEnum):
    SPEECH_STARTED = "speech_started"
    PAUSED = "paused"  # a short silence: prepare the answer
    RESUMED = "resumed"  # the student went on after a pause: drop what was prepared
    TURN_ENDED = "turn_ended"  # the tutor's turn


class TurnDetector:
    """Feed it 20 ms frames; it says what happened and keeps the utterance's audio."""

    def __init__(self, timing: TurnTiming | None = None, aggressiveness: int = 2) -> None:
        self.timing = timing or TurnTiming()
        self._vad = webrtcvad.Vad(aggressiveness)
        window = self.timing.start_window_ms // FRAME_MS
        self._recent: deque[bool] = deque(maxlen=window)
        # Audio before speech was recognised as such: the first syllable is in there.
        self._preroll: deque[bytes] = deque(maxlen=window)
        self._speaking = False
        self._paused = False
        self._silence_ms = 0
        self._utterance = bytearray()
        self._speech_ms = 0
        self._level = 0.0  # the utterance's voice level (RMS, 0..1)
        # Set by the caller once it knows the words so far (None: not yet).
        self.unfinished: bool | None = None
        # The end-of-turn model's verdict on the current pause (None: none yet), and the
        # number of pauses heard, so that a late verdict is not taken for a later pause's.
        self.finished: bool | None = None
        self.pauses = 0

    @property
    def speaking(self) -> bool:
        return self._speaking

    @property
    def silence_ms(self) -> int:
        return self._silence_ms

    @property
    def utterance_ms(self) -> int:
        """How long the utterance kept so far is (without copying it)."""
        return self._speech_ms

    def utterance(self) -> bytes:
        return bytes(self._utterance)

    def voiced_recently_ms(self) -> int:
        return sum(self._recent) * FRAME_MS

    def feed(self, frame: bytes) -> list[TurnSignal]:
        """One FRAME_BYTES frame of PCM16 16 kHz mono."""
        voiced = self._vad.is_speech(frame, SAMPLE_RATE)
        self._recent.append(voiced)
        if not self._speaking:
            self._preroll.append(frame)
            if self.voiced_recently_ms() >= self.timing.start_voiced_ms:
                self._speaking = True
                self._utterance = bytearray(b"".join(self._preroll))
                self._preroll.clear()
                self._speech_ms = len(self._utterance) // 2 * 1000 // SAMPLE_RATE
                self._silence_ms = 0
                return [TurnSignal.SPEECH_STARTED]
            return []
        self._utterance += frame
        self._speech_ms += FRAME_MS
        events: list[TurnSignal] = []
        if voiced:
            voiced = self._loud_enough(frame)
        if voiced:
            if self._paused:
                self._paused = False
                self.finished = None
                events.append(TurnSignal.RESUMED)
            self._silence_ms = 0
            self.unfinished = None
        else:
            self._silence_ms += FRAME_MS
            if not self._paused and self._silence_ms >= self.timing.pause_ms:
                self._paused = True
                self.pauses += 1
                events.append(TurnSignal.PAUSED)
        if self._turn_over():
            events.append(TurnSignal.TURN_ENDED)
        return events

    def _loud_enough(self, frame: bytes) -> bool:
        samples = np.frombuffer(frame, dtype="<i2").astype(np.float32)
        rms = math.sqrt(float(samples @ samples) / len(samples)) / 32768
        self._level = max(rms, self._level * LEVEL_DECAY_PER_FRAME)
        return rms >= self._level * 10 ** (-QUIET_DB / 20)

    @property
    def paused(self) -> bool:
        return self._paused

    def _turn_over(self) -> bool:
        if self._speech_ms >= self.timing.max_utterance_ms:
            return True
        if not self._paused:
            return False
        if self.finished and self.unfinished is False:
            return True  # the voice sounds finished, and so do the words
        needed = self.timing.unfinished_commit_ms if self.unfinished else self.timing.commit_ms
        if self.finished is False:
            needed = max(needed, self.timing.incomplete_commit_ms)
        return self._silence_ms >= needed

    def reset(self) -> None:
        """Listen for the next utterance."""
        self._speaking = False
        self._paused = False
        self._silence_ms = 0
        self._utterance = bytearray()
        self._speech_ms = 0
        self._level = 0.0
        self._recent.clear()
        self._preroll.clear()
        self.unfinished = None
        self.finished = None


def sounds_unfinished(text: str) -> bool:
    words = text.lower().rstrip(" ,;:-—").split()
    if not words:
        return False
    if text.rstrip().endswith((".", "!", "?")):
        return False
    return words[-1].strip(".,!?\"'") in UNFINISHED_ENDINGS


class FrameBuffer:
    """Cuts incoming audio of any even length into 20 ms frames."""

    def __init__(self) -> None:
        self._pending = bytearray()

    def push(self, data: bytes) -> list[bytes]:
        if not self._pending and len(data) == FRAME_BYTES:
            return [data]  # what a client sends, 50 times a second: nothing to cut or copy
        self._pending += data
        count = len(self._pending) // FRAME_BYTES
        frames = [
            bytes(self._pending[i * FRAME_BYTES : (i + 1) * FRAME_BYTES]) for i in range(count)
        ]
        del self._pending[: count * FRAME_BYTES]
        return frames
