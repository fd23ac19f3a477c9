"""Varied spoken turns for the latency bench, made here and now (nothing is downloaded).

    .venv/bin/python -m bench.voice_sets OUT_DIR [--sets piper-1.0,espeak-us-175,...]

Each set is a folder of WAVs (16 kHz mono): learner sentences of 2-7 s of speech, some said in
one go, some in two or three phrases with a thinking pause between them (0.6-1.2 s, longer than the
tutor's plain 600 ms silence timeout), each ending in a second of low noise. The voices: Piper
(the app's voice, a separate process: Piper is GPL-3.0) at several length scales (1.0 is its
pace, 1.5 a slow learner) and espeak-ng voices at two speeds. Beside each WAV, a .txt with
what is said.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt

from ailingva.providers.audio import to_float16k, wav_bytes
from ailingva.providers.settings import ProviderSettings

SAMPLE_RATE = 16_000
# Each turn: its phrases and the pause (s) after each but the last.
TURNS: tuple[tuple[tuple[str, ...], tuple[float, ...]], ...] = (
    (("Yesterday I goed to the park with my friend.",), ()),
    (("She don't like coffee in the morning,", "she prefer tea with milk."), (0.8,)),
    (("I think that", "my brother have two cats and a dog."), (1.1,)),
    (("We was at home all day yesterday", "because it was raining very hard."), (0.9,)),
    (("My favourite food is pizza, but I also like soup because it is warm.",), ()),
    (
        ("Last summer we travelled to the sea", "and swimmed every day,", "it was great."),
        (1.2, 0.7),
    ),
    (("I am agree with you about this film.",), ()),
    (("When I was a child", "I lived in a small village", "near the river."), (1.0, 0.6)),
)
NOISE_SECONDS = 1.0
NOISE_DBFS = -45.0  # a quiet room with a fan: well under the voice, not digital silence
SETS = ("piper-1.0", "piper-1.5", "espeak-us-175", "espeak-gb-130")

Audio = npt.NDArray[np.float32]


def piper(length_scale: float) -> Callable[[str], Audio]:
    settings = ProviderSettings()
    folder = settings.models_dir / settings.local_tts_voice

    def speak(text: str) -> Audio:
        model = next(folder.glob("*.onnx"))
        with tempfile.NamedTemporaryFile(suffix=".wav") as out:
            command = [sys.executable, "-m", "piper", "-m", str(model), "-f", out.name]
            subprocess.run(
                [*command, "--length-scale", str(length_scale), "--", text],
                check=True,
                capture_output=True,
            )
            return to_float16k(Path(out.name).read_bytes(), provider="piper")

    return speak


def espeak(voice: str, words_per_minute: int) -> Callable[[str], Audio]:
    def speak(text: str) -> Audio:
        wav = subprocess.run(
            ["espeak-ng", "-v", voice, "-s", str(words_per_minute), "--stdout", text],
            check=True,
            capture_output=True,
        ).stdout
        return to_float16k(wav, provider="espeak-ng")

    return speak


def voice_of(name: str) -> Callable[[str], Audio]:
    kind, *rest = name.split("-")
    if kind == "piper":
        return piper(float(rest[0]))
    if kind == "espeak":
        return espeak({"us": "en-us", "gb": "en-gb"}[rest[0]], int(rest[1]))
    raise SystemExit(f"unknown set {name!r}: piper-SCALE or espeak-us|gb-WPM")


def trimmed(audio: Audio) -> Audio:
    """Without the engine's own leading and trailing silence (the pauses are ours)."""
    loud = np.flatnonzero(np.abs(audio) > 0.01)
    return audio[loud[0] : loud[-1] + 1] if loud.size else audio


def noise(seconds: float, rng: np.random.Generator) -> Audio:
    """Brown-ish noise at NOISE_DBFS (RMS)."""
    raw = np.cumsum(rng.standard_normal(int(seconds * SAMPLE_RATE)))
    raw -= np.convolve(raw, np.ones(400) / 400, mode="same")  # no slow drift
    rms = float(np.sqrt(np.mean(raw**2))) or 1.0
    return (raw / rms * 10 ** (NOISE_DBFS / 20)).astype(np.float32)


def turn_audio(
    speak: Callable[[str], Audio], phrases: tuple[str, ...], pauses: tuple[float, ...], seed: int
) -> Audio:
    rng = np.random.default_rng(seed)
    parts: list[Audio] = []
    for index, phrase in enumerate(phrases):
        parts.append(trimmed(speak(phrase)))
        if index < len(pauses):
            parts.append(noise(pauses[index], rng) * 0.5)
    parts.append(noise(NOISE_SECONDS, rng))
    return np.concatenate(parts).astype(np.float32)


def make_set(name: str, out: Path) -> Path:
    folder = out / name
    folder.mkdir(parents=True, exist_ok=True)
    speak = voice_of(name)
    for number, (phrases, pauses) in enumerate(TURNS, start=1):
        audio = turn_audio(speak, phrases, pauses, seed=number)
        stem = folder / f"{number:02d}"
        stem.with_suffix(".wav").write_bytes(wav_bytes(audio, SAMPLE_RATE))
        stem.with_suffix(".txt").write_text(" ".join(phrases) + "\n")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("out", type=Path)
    parser.add_argument("--sets", default=",".join(SETS))
    args = parser.parse_args()
    for name in args.sets.split(","):
        print(make_set(name, args.out), flush=True)


if __name__ == "__main__":
    main()
