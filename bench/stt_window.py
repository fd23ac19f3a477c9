"""Speech-to-text of one spoken turn: Whisper's full 30 s window against a window fitted to
the utterance (what the voice session uses). Prints time and word error rate for both.

Usage: python -m bench.stt_window [--model whisper-base] [--models-dir DIR]

Learner sentences are spoken by Piper and by espeak-ng (two voices). The baseline is
faster-whisper's own `transcribe` (30 s window, as before), run in the same process.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from ailingva.providers.audio import FloatAudio, chunk_to_wav, to_float16k
from ailingva.providers.local.piper import PiperTTS
from ailingva.providers.local.whisper import WhisperSTT
from ailingva.providers.settings import ProviderSettings
from bench import voice_latency

# The latency bench's turns, and more of other lengths.
SENTENCES = (
    *voice_latency.SENTENCES,
    "I have seen him yesterday at the station.",
    "He explained me the rules of the game.",
    "I like very much to play football.",
    "Can you tell me where is the bank?",
    "I live in Moscow since five years.",
    "Hello.",
    "Yes, I think so.",
    "My favourite food is pizza, but I also like soup because it is warm.",
    "Last summer we travelled to the sea and swimmed every day, it was really wonderful.",
)


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def edit_distance(reference: list[str], heard: list[str]) -> int:
    row = list(range(len(heard) + 1))
    for i, word in enumerate(reference, 1):
        diagonal, row[0] = row[0], i
        for j, other in enumerate(heard, 1):
            diagonal, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diagonal + (word != other))
    return row[-1]


async def by_piper(models_dir: Path) -> list[tuple[str, FloatAudio]]:
    tts = PiperTTS(ProviderSettings().local_tts_voice, models_dir)
    try:
        return [
            (s, to_float16k(chunk_to_wav(await tts.synthesize(s)), provider="piper"))
            for s in SENTENCES
        ]
    finally:
        await tts.aclose()


def by_espeak() -> list[tuple[str, FloatAudio]]:
    command = ["espeak-ng", "-v", "en-us", "--stdout"]
    return [
        (
            s,
            to_float16k(
                subprocess.run([*command, s], check=True, capture_output=True).stdout,
                provider="espeak-ng",
            ),
        )
        for s in SENTENCES
    ]


def measure(
    name: str, transcribe: Callable[[FloatAudio], str], speech: list[tuple[str, FloatAudio]]
) -> tuple[float, float]:
    times, errors, total = [], 0, 0
    for index, (sentence, audio) in enumerate(speech, 1):
        start = time.perf_counter()
        heard = transcribe(audio)
        times.append((time.perf_counter() - start) * 1000)
        errors += edit_distance(words(sentence), words(heard))
        total += len(words(sentence))
        print(f"\r{name}: {index}/{len(speech)}", end="", flush=True)
    median, wer = statistics.median(times), errors / total
    print(f"\r{name:<16}median {median:6.0f} ms   WER {wer:.3f}")
    return median, wer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default=ProviderSettings().local_stt_model)
    parser.add_argument("--models-dir", type=Path, default=ProviderSettings().models_dir)
    args = parser.parse_args()
    speech = asyncio.run(by_piper(args.models_dir)) + by_espeak()
    stt = WhisperSTT(args.model, args.models_dir)
    model = stt._model()

    def full(audio: FloatAudio) -> str:
        segments, _ = model.transcribe(audio, language="en", beam_size=1, vad_filter=True)
        return " ".join(s.text.strip() for s in segments)

    def fitted(audio: FloatAudio) -> str:
        return stt._transcribe(audio, "en").text

    fitted(speech[0][1])  # load and warm up
    print(f"{args.model}, {len(speech)} utterances (Piper and espeak-ng voices)")
    base_ms, base_wer = measure("30 s window", full, speech)
    fit_ms, fit_wer = measure("fitted window", fitted, speech)
    print(f"speedup={base_ms / fit_ms:.1f}x wer_full={base_wer:.3f} wer_fitted={fit_wer:.3f}")


if __name__ == "__main__":
    main()
