"""Does the transcript keep the learner's mistakes? Learner sentences with known errors
(`bench.learner_sentences`) are spoken by Piper (two speeds) and espeak-ng (two speeds) and go
through the default speech-to-text; for each way of decoding it prints:

- kept: the share of errors whose words are in the transcript verbatim (an error's words are
  the learner's words that differ from the correction, with one word of context on each side,
  so a missing article counts as kept only when the transcript still lacks it);
- WER: the word error rate on the *corrected* sentences, spoken the same way, so that a gain in
  kept errors is not bought with noise.

Usage: python -m bench.stt_errors [--model whisper-base] [--models-dir DIR] [--limit N]
"""

from __future__ import annotations

import argparse
import difflib
import io
import subprocess
import sys
import wave
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ailingva.providers.audio import FloatAudio, to_float16k
from ailingva.providers.local.loading import model_spec
from ailingva.providers.local.whisper import LEARNER_PROMPT, WhisperSTT
from ailingva.providers.settings import ProviderSettings
from bench.learner_sentences import LEARNER_SENTENCES
from bench.stt_window import edit_distance, words

# Piper's phoneme length (1.0 is the voice's own pace) and espeak-ng's words per minute.
PIPER_SPEEDS = (1.0, 1.35)
ESPEAK_SPEEDS = (175, 130)


@dataclass(frozen=True)
class Item:
    kind: str
    said: str  # what the learner says, with the error
    meant: str  # the correction


def error_spans(said: str, meant: str) -> list[tuple[str, ...]]:
    """The learner's words at each difference from the correction, one word of context on each
    side: what a transcript that kept the error must contain verbatim."""
    a, b = words(said), words(meant)
    spans = []
    for op, i1, i2, _, _ in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op != "equal":
            spans.append(tuple(a[max(0, i1 - 1) : min(len(a), i2 + 1)]))
    return spans


def contains(heard: list[str], span: tuple[str, ...]) -> bool:
    n = len(span)
    return any(tuple(heard[i : i + n]) == span for i in range(len(heard) - n + 1))


Voice = tuple[str, Callable[[str], FloatAudio]]


def piper_voices(models_dir: Path) -> list[Voice]:
    from piper import PiperVoice, SynthesisConfig

    spec = model_spec(ProviderSettings().local_tts_voice, "tts", provider="bench")
    model = spec.directory(models_dir) / spec.files[0].path
    voice = PiperVoice.load(str(model))

    def speaker(scale: float) -> Callable[[str], FloatAudio]:
        def speak(text: str) -> FloatAudio:
            buffer = io.BytesIO()
            with wave.open(buffer, "wb") as out:
                voice.synthesize_wav(text, out, SynthesisConfig(length_scale=scale))
            return to_float16k(buffer.getvalue(), provider="piper")

        return speak

    return [(f"piper x{scale:g}", speaker(scale)) for scale in PIPER_SPEEDS]


def espeak_voices() -> list[Voice]:
    def speaker(wpm: int) -> Callable[[str], FloatAudio]:
        def speak(text: str) -> FloatAudio:
            command = ["espeak-ng", "-v", "en-us", "-s", str(wpm), "--stdout", text]
            wav = subprocess.run(command, check=True, capture_output=True).stdout
            return to_float16k(wav, provider="espeak-ng")

        return speak

    return [(f"espeak {wpm} wpm", speaker(wpm)) for wpm in ESPEAK_SPEEDS]


@dataclass
class Score:
    kept: int = 0
    errors: int = 0
    word_errors: int = 0
    reference_words: int = 0

    @property
    def kept_share(self) -> float:
        return self.kept / self.errors if self.errors else 0.0

    @property
    def wer(self) -> float:
        return self.word_errors / self.reference_words if self.reference_words else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default=ProviderSettings().local_stt_model)
    parser.add_argument("--models-dir", type=Path, default=ProviderSettings().models_dir)
    parser.add_argument("--limit", type=int, default=len(LEARNER_SENTENCES))
    parser.add_argument("--show-lost", action="store_true", help="print every error not kept")
    args = parser.parse_args()
    items = [Item(*row) for row in LEARNER_SENTENCES[: args.limit]]
    voices = piper_voices(args.models_dir) + espeak_voices()
    decoders = {
        "before (no prompt)": WhisperSTT(args.model, args.models_dir, prompt=None),
        "learner prompt": WhisperSTT(args.model, args.models_dir, prompt=LEARNER_PROMPT),
    }
    scores: dict[tuple[str, str], Score] = {}
    by_kind: dict[str, Counter[str]] = {name: Counter() for name in decoders}
    kinds = Counter(item.kind for item in items for _ in error_spans(item.said, item.meant))
    for voice_name, speak in voices:
        speech = [(item, speak(item.said), speak(item.meant)) for item in items]
        for name, stt in decoders.items():
            score = scores.setdefault((voice_name, name), Score())
            for index, (item, said, meant) in enumerate(speech, 1):
                heard = words(stt._transcribe(said, "en").text)
                for span in error_spans(item.said, item.meant):
                    score.errors += 1
                    if contains(heard, span):
                        score.kept += 1
                        by_kind[name][item.kind] += 1
                    elif args.show_lost:
                        print(f"\n  lost {' '.join(span)!r}: heard {' '.join(heard)!r}")
                reference = words(item.meant)
                score.word_errors += edit_distance(
                    reference, words(stt._transcribe(meant, "en").text)
                )
                score.reference_words += len(reference)
                print(f"\r{voice_name}, {name}: {index}/{len(speech)}", end="", file=sys.stderr)
    print(file=sys.stderr)
    print(f"{len(items)} learner sentences, {args.model}\n")
    print(f"| voice | {' | '.join(f'{n}: kept / WER' for n in decoders)} |")
    print(f"|---|{'---|' * len(decoders)}")
    for voice_name, _ in voices:
        cells = [scores[(voice_name, n)] for n in decoders]
        print(
            f"| {voice_name} | {' | '.join(f'{s.kept_share:.3f} / {s.wer:.3f}' for s in cells)} |"
        )
    totals = {n: Score() for n in decoders}
    for (_, name), score in scores.items():
        total = totals[name]
        total.kept += score.kept
        total.errors += score.errors
        total.word_errors += score.word_errors
        total.reference_words += score.reference_words
    cells = [totals[n] for n in decoders]
    print(f"| all | {' | '.join(f'{s.kept_share:.3f} / {s.wer:.3f}' for s in cells)} |")
    print("\nkept by error type, before -> with the prompt (all voices):")
    for kind, count in kinds.items():
        shares = [f"{by_kind[n][kind] / (count * len(voices)):.2f}" for n in decoders]
        print(f"  {kind:<12} {' -> '.join(shares)}")


if __name__ == "__main__":
    main()
