"""Speech-to-text at the end of a turn with a pause inside: the whole utterance decoded again
against only what follows the pause (its start kept from the decoding made at the pause).

    .venv/bin/python -m bench.stt_tail WAV_DIR [--model whisper-base]

WAV_DIR: sets made by `python -m bench.voice_sets`. The pause is the last silence of at least
500 ms inside the speech (Silero VAD); turns without one are left out. Both ways are timed in
the same process, one after the other, so they share the machine's load; the words are
compared without case and punctuation.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import time
from pathlib import Path

from ailingva.providers.audio import to_float16k
from ailingva.providers.fake import FakeLLM, FakeTTS
from ailingva.providers.local.whisper import WhisperSTT
from ailingva.providers.registry import Providers
from ailingva.providers.settings import ProviderSettings
from ailingva.tutor.pipeline import Speech, transcribe


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


async def run(files: list[Path], model: str) -> None:
    from faster_whisper.vad import VadOptions, get_speech_timestamps  # type: ignore[import-untyped]

    settings = ProviderSettings()
    providers = Providers(settings, WhisperSTT(model, settings.models_dir), FakeLLM(), FakeTTS())
    whole_ms: list[float] = []
    tail_ms: list[float] = []
    same = 0
    for wav in files:
        samples = to_float16k(wav.read_bytes(), provider="wav")
        spans = get_speech_timestamps(
            samples, VadOptions(speech_pad_ms=0, min_silence_duration_ms=500)
        )
        if len(spans) < 2:
            continue
        cut = (spans[-2]["end"] + spans[-1]["start"]) // 2
        start = await transcribe(providers, Speech(samples[:cut]))
        began = time.perf_counter()
        whole = await transcribe(providers, Speech(samples))
        whole_ms.append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        tail = await transcribe(providers, Speech(samples, heard=(cut, start)))
        tail_ms.append((time.perf_counter() - began) * 1000)
        same += words(whole.text) == words(tail.text)
        print(f"{wav.parent.name}/{wav.name}: {whole_ms[-1]:.0f} -> {tail_ms[-1]:.0f} ms")
        print(f"  whole {whole.text!r}\n  tail  {tail.text!r}", flush=True)
    print(
        f"turns={len(whole_ms)} whole_p50_ms={statistics.median(whole_ms):.0f} "
        f"tail_p50_ms={statistics.median(tail_ms):.0f} same_words={same}/{len(whole_ms)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("wav_dir", type=Path)
    parser.add_argument("--model", default="whisper-base")
    args = parser.parse_args()
    asyncio.run(run(sorted(args.wav_dir.glob("*/*.wav")), args.model))


if __name__ == "__main__":
    main()
