"""Has the student finished their turn? Smart Turn v3.2 hears it in the voice itself.

Smart Turn (Daily, BSD-2-Clause; the ONNX file is taken out of the pipecat-ai wheel when the
model is pulled, checked by its sha256) reads the last 8 s of an utterance as Whisper-style
log-mel features and gives the probability that the speaker has finished: intonation and
rhythm, not only the words, so "I think that..." said with a falling voice still counts as
unfinished. About 50 ms a decision on one thread. The features are computed here with numpy,
as Pipecat's `_whisper_features.py` does (Transformers' `WhisperFeatureExtractor` with an 8 s
chunk): the waveform normalised to zero mean and unit variance, a centred 400-sample Hann STFT
every 160 samples, Slaney mel filters, log10, the last frame dropped, clamped to 8 below the
maximum and scaled by (x + 4) / 4.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ailingva.providers.base import STT_SAMPLE_RATE
from ailingva.providers.local.loading import load_verified, model_spec

WINDOW_SECONDS = 8
N_FFT = 400
HOP = 160
N_MELS = 80
_HANN = np.hanning(N_FFT + 1)[:-1]  # periodic, as torch.hann_window


def _mel_filters() -> npt.NDArray[np.float64]:
    from faster_whisper.feature_extractor import FeatureExtractor  # type: ignore[import-untyped]

    filters: npt.NDArray[np.float64] = FeatureExtractor.get_mel_filters(
        STT_SAMPLE_RATE, N_FFT, n_mels=N_MELS
    )
    return filters


def log_mel(samples: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """The model's input for 16 kHz audio: its last 8 s (zeros before a shorter one), 80 x 800."""
    size = WINDOW_SECONDS * STT_SAMPLE_RATE
    window = np.zeros(size, dtype=np.float32)
    tail = samples[-size:]
    window[size - len(tail) :] = tail
    window = (window - window.mean()) / np.sqrt(window.var() + 1e-7)
    padded = np.pad(window.astype(np.float64), N_FFT // 2, mode="reflect")
    frames = np.lib.stride_tricks.sliding_window_view(padded, N_FFT)[::HOP]
    power = np.abs(np.fft.rfft(frames * _HANN, axis=-1)) ** 2  # (801, 201)
    mel = np.log10(np.maximum(_mel_filters() @ power.T, 1e-10))[:, :-1]
    mel = np.maximum(mel, mel.max() - 8.0)
    scaled: npt.NDArray[np.float32] = ((mel + 4.0) / 4.0).astype(np.float32)
    return scaled


class SmartTurn:
    """The end-of-turn model of this process (loaded once, verified), one decision at a time."""

    def __init__(self, model: str, models_dir: Path) -> None:
        self.name = f"local:{model}"
        self._spec = model_spec(model, "turn", provider=self.name)
        self._models_dir = models_dir

    def load(self) -> None:
        """Blocks (call from a worker thread): the first decision should not pay for it."""
        self._session()

    def finished(self, samples: npt.NDArray[np.float32]) -> float:
        """The probability that the utterance `samples` (16 kHz) is a finished turn. Blocks."""
        session, lock = self._session()
        features = log_mel(samples)[np.newaxis]
        with lock:
            outputs = session.run(None, {"input_features": features})
        return float(np.asarray(outputs[0]).reshape(-1)[0])

    def _session(self) -> tuple[Any, threading.Lock]:
        return load_verified(self._spec, self._models_dir, self._load, provider=self.name)

    def _load(self) -> tuple[Any, threading.Lock]:
        import onnxruntime  # type: ignore[import-untyped]

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1  # a small model: one thread, off the others' way
        options.inter_op_num_threads = 1
        options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
        session = onnxruntime.InferenceSession(
            str(self._spec.main_file(self._models_dir)),
            sess_options=options,
            providers=["CPUExecutionProvider"],
        )
        return session, threading.Lock()
