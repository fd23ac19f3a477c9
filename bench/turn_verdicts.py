"""What Smart Turn says at each pause of the WAV sets: inside a sentence it should hear the
turn as unfinished (wait), at the end as finished (answer). Decisions, not timings: the load
of the machine does not change them.

    .venv/bin/python -m bench.turn_verdicts WAV_DIR

WAV_DIR: sets made by `python -m bench.voice_sets`. The pauses are Silero VAD's silences of at
least 240 ms inside the speech; the model hears the audio up to 240 ms into each pause, as the
voice session asks it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from ailingva.providers.audio import to_float16k
from ailingva.providers.local.smart_turn import SmartTurn
from ailingva.providers.settings import ProviderSettings
from ailingva.voice.end_of_turn import FINISHED_AT
from ailingva.voice.turns import TurnTiming

PAUSE_SAMPLES = TurnTiming().pause_ms * 16


def main() -> None:
    from faster_whisper.vad import VadOptions, get_speech_timestamps  # type: ignore[import-untyped]

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("wav_dir", type=Path)
    args = parser.parse_args()
    settings = ProviderSettings()
    model = SmartTurn(settings.local_turn_model, settings.models_dir)
    inside_waits = inside = ends_taken = ends = 0
    for wav in sorted(args.wav_dir.glob("*/*.wav")):
        samples = to_float16k(wav.read_bytes(), provider="wav")
        spans = get_speech_timestamps(
            samples, VadOptions(speech_pad_ms=0, min_silence_duration_ms=240)
        )
        verdicts = []
        for index, span in enumerate(spans):
            heard = samples[: span["end"]]
            heard = np.concatenate([heard, np.zeros(PAUSE_SAMPLES, dtype=np.float32)])
            finished = model.finished(heard) >= FINISHED_AT
            verdicts.append("end" if finished else "wait")
            if index < len(spans) - 1:
                inside += 1
                inside_waits += not finished
            else:
                ends += 1
                ends_taken += finished
        print(f"{wav.parent.name}/{wav.name}: {' '.join(verdicts)}", flush=True)
    print(
        f"pauses_inside={inside} heard_unfinished={inside_waits} "
        f"ends={ends} heard_finished={ends_taken}"
    )


if __name__ == "__main__":
    main()
