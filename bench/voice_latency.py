"""End of speech -> first tutor audio through `/ws/voice`, as a microphone would send it.

    .venv/bin/python bench/voice_latency.py [--url URL] [--wav-dir DIR] [--turns N]

Without --url it starts a server with the default local models on a free port (a fresh
SQLite database in a temporary folder). Speech comes from the WAV files in DIR (any rate,
resampled to 16 kHz) or, by default, from learner sentences it has Piper speak. Each is
streamed at real-time pace in 20 ms frames, then silence until the tutor has answered.
End of speech = the moment the last frame containing speech was sent.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import websockets

from ailingva.providers.audio import chunk_to_wav, float_to_pcm16, to_float16k
from ailingva.providers.local.piper import PiperTTS
from ailingva.providers.settings import ProviderSettings
from ailingva.voice.turns import FRAME_BYTES, FRAME_MS

SENTENCES = (
    "Yesterday I goed to the park with my friend.",
    "She don't like coffee in the morning.",
    "I am agree with you about this film.",
    "My brother have two cats and a dog.",
    "We was at home all day yesterday.",
)
PASSWORD = "Correct horse 42 battery"
SPEECH_RMS = 0.01  # a frame louder than this holds speech (the WAVs are clean recordings)
ROOT = Path(__file__).resolve().parents[1]


@dataclass
class TurnResult:
    transcript: str = ""
    end_to_first_audio_ms: float | None = None
    timings: dict[str, float] = field(default_factory=dict)


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def local_server() -> Iterator[str]:
    """`ailingva serve` with the default local models and a throwaway database."""
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="ailingva-bench-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
        "DATA_DIR": str(folder),
    }
    cli = str(ROOT / ".venv" / "bin" / "ailingva")
    subprocess.run([cli, "migrate"], check=True, env=env, cwd=ROOT, capture_output=True)
    server = subprocess.Popen(
        [cli, "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                health = httpx.get(f"{url}/api/health", timeout=1)
                if health.status_code == 200 and health.json()["models"] == "ready":
                    break
            time.sleep(0.3)
        else:
            raise SystemExit("the server and its models were not ready within 120 s")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def speech_from_wavs(wav_dir: Path) -> list[tuple[str, bytes]]:
    files = sorted(wav_dir.glob("*.wav"))
    if not files:
        raise SystemExit(f"no .wav files in {wav_dir}")
    return [(f.name, float_to_pcm16(to_float16k(f.read_bytes(), provider="wav"))) for f in files]


async def speech_from_piper() -> list[tuple[str, bytes]]:
    settings = ProviderSettings()
    tts = PiperTTS(settings.local_tts_voice, settings.models_dir)
    try:
        spoken = []
        for sentence in SENTENCES:
            wav = chunk_to_wav(await tts.synthesize(sentence))
            spoken.append((sentence, float_to_pcm16(to_float16k(wav, provider="piper"))))
        return spoken
    finally:
        await tts.aclose()


def last_speech_frame(pcm: bytes) -> int:
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768
    count = len(samples) * 2 // FRAME_BYTES
    frames = samples[: count * FRAME_BYTES // 2].reshape(count, -1)
    loud = np.flatnonzero(np.sqrt((frames**2).mean(axis=1)) > SPEECH_RMS)
    return int(loud[-1]) if loud.size else count - 1


async def sign_in(url: str) -> str:
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
        response = await http.post(
            "/api/auth/register", json={"email": email, "password": PASSWORD, "name": "Bench"}
        )
        response.raise_for_status()
        token = await http.post("/api/auth/token")
        token.raise_for_status()
        return str(token.json()["access_token"])


async def run_turns(url: str, speech: list[tuple[str, bytes]], turns: int) -> list[TurnResult]:
    token = await sign_in(url)
    ws_url = url.replace("http", "ws", 1) + f"/ws/voice?access_token={token}"
    results: list[TurnResult] = []
    async with websockets.connect(ws_url, max_size=None) as ws:
        await ws.send(json.dumps({"type": "start"}))
        while json.loads(await ws.recv())["type"] != "session_started":
            pass
        for index in range(turns):
            name, pcm = speech[index % len(speech)]
            result = await one_turn(ws, pcm)
            print(f"turn {index + 1}: {name!r} -> heard {result.transcript!r}", flush=True)
            if result.end_to_first_audio_ms is not None:
                stages = ", ".join(
                    f"{s} {result.timings[s]:.0f}" for s in STAGES if s in result.timings
                )
                print(f"  {result.end_to_first_audio_ms:.0f} ms to audio ({stages})", flush=True)
            results.append(result)
        await ws.send(json.dumps({"type": "stop"}))
    return results


async def one_turn(ws: Any, pcm: bytes) -> TurnResult:
    result = TurnResult()
    silence = b"\x00" * FRAME_BYTES
    frames = [pcm[i : i + FRAME_BYTES] for i in range(0, len(pcm) - FRAME_BYTES + 1, FRAME_BYTES)]
    last = last_speech_frame(pcm)
    end_of_speech: list[float] = []
    done = asyncio.Event()

    async def send() -> None:
        start = time.perf_counter()
        for sent, frame in enumerate([silence] * 25 + frames):
            await asyncio.sleep(max(0.0, start + sent * FRAME_MS / 1000 - time.perf_counter()))
            await ws.send(frame)
            if sent == 25 + last:
                end_of_speech.append(time.perf_counter())
        sent = 25 + len(frames)
        while not done.is_set():  # the microphone stays open: silence until the answer
            await asyncio.sleep(max(0.0, start + sent * FRAME_MS / 1000 - time.perf_counter()))
            await ws.send(silence)
            sent += 1

    async def receive() -> None:
        async for message in ws:
            if isinstance(message, bytes):
                if result.end_to_first_audio_ms is None and end_of_speech:
                    result.end_to_first_audio_ms = (time.perf_counter() - end_of_speech[0]) * 1000
                continue
            event = json.loads(message)
            if event["type"] == "transcript":
                result.transcript = event["text"]
            elif event["type"] == "reply_done":
                await ws.send(json.dumps({"type": "playback", "played_ms": 3_600_000}))
            elif event["type"] == "turn_completed":
                result.timings = event["timings"]
                done.set()
                return
            elif event["type"] == "error":
                print(f"  error: {event['code']}: {event['message']}", file=sys.stderr)
                if event["code"] == "tutor_unavailable":
                    done.set()
                    return

    sender = asyncio.create_task(send())
    try:
        await asyncio.wait_for(receive(), timeout=120)
    finally:
        done.set()
        await sender
    return result


STAGES = ("turn_detect", "stt", "grammar", "llm_first_token", "first_sentence", "first_audio")


def report(results: list[TurnResult]) -> None:
    e2e = [r.end_to_first_audio_ms for r in results if r.end_to_first_audio_ms is not None]
    print(f"\n{len(e2e)} of {len(results)} turns answered with audio")
    print(f"{'stage':<26}{'p50 ms':>10}{'p95 ms':>10}")
    print(f"{'end of speech -> audio':<26}{percentile(e2e, 50):>10.0f}{percentile(e2e, 95):>10.0f}")
    for stage in STAGES:
        values = [r.timings[stage] for r in results if stage in r.timings]
        print(f"{stage:<26}{percentile(values, 50):>10.0f}{percentile(values, 95):>10.0f}")
    # The stages on the critical path: turn detection, speech-to-text, then the tutor up to
    # its first audio (grammar, model, speech inside it). The rest is the pipeline's own cost.
    shares = [
        (
            r.end_to_first_audio_ms
            - sum(r.timings.get(s, 0.0) for s in ("turn_detect", "stt", "first_audio"))
        )
        / r.end_to_first_audio_ms
        for r in results
        if r.end_to_first_audio_ms
    ]
    overhead = statistics.median(shares) if shares else float("nan")
    print(
        f"p50_ms={percentile(e2e, 50):.0f} p95_ms={percentile(e2e, 95):.0f} overhead={overhead:.1%}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--url", help="a running server (default: start one with local models)")
    parser.add_argument("--wav-dir", type=Path, help="WAV files to speak (default: Piper speaks)")
    parser.add_argument("--turns", type=int, default=10)
    args = parser.parse_args()
    speech = speech_from_wavs(args.wav_dir) if args.wav_dir else asyncio.run(speech_from_piper())
    with contextlib.ExitStack() as stack:
        url = args.url or stack.enter_context(local_server())
        print(f"server {url}: {args.turns} turns", flush=True)

        report(asyncio.run(run_turns(url, speech, args.turns)))


if __name__ == "__main__":
    main()
