"""A warm Piper process: `python piper_worker.py MODEL.onnx CONFIG.json [THREADS]`.

Piper is GPL-3.0, so it runs in this separate process, never inside the app. Protocol:
stdin carries one JSON object a line, `{"text": ...}`; stdout carries frames of a 1-byte kind,
a 4-byte big-endian length and a payload: READY (JSON with the sample rate) once after loading,
then per request AUDIO frames (s16le mono) and one END frame, preceded by ERROR on failure.
This file imports only Piper and the standard library: it runs without the app's package.
"""

from __future__ import annotations

import json
import os
import struct
import sys
from typing import BinaryIO

HEADER = struct.Struct(">cI")
READY, AUDIO, ERROR, END = b"R", b"A", b"X", b"E"


def write_frame(out: BinaryIO, kind: bytes, payload: bytes = b"") -> None:
    out.write(HEADER.pack(kind, len(payload)))
    out.write(payload)
    out.flush()


def main(model_path: str, config_path: str, threads: int) -> None:
    # Frames go to a private copy of stdout; anything a library prints lands on stderr instead
    # of corrupting the frame stream.
    frames = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    import onnxruntime  # type: ignore[import-untyped]
    from piper import PiperConfig, PiperVoice

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads  # speech's share of the cores
    options.inter_op_num_threads = 1
    with open(config_path, encoding="utf-8") as config:
        voice = PiperVoice(
            session=onnxruntime.InferenceSession(
                model_path, sess_options=options, providers=["CPUExecutionProvider"]
            ),
            config=PiperConfig.from_dict(json.load(config)),
        )
    # The first synthesis pays onnxruntime's one-off set-up; pay it before saying ready.
    for _ in voice.synthesize("Ready."):
        pass
    write_frame(frames, READY, json.dumps({"sample_rate": voice.config.sample_rate}).encode())
    for line in sys.stdin:
        try:
            for chunk in voice.synthesize(json.loads(line)["text"]):
                write_frame(frames, AUDIO, chunk.audio_int16_bytes)
        except Exception as exc:  # reported to the app; the process stays up for the next text
            write_frame(frames, ERROR, repr(exc).encode())
        write_frame(frames, END)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 2)
