"""End of speech -> first tutor audio through `/ws/voice`, as a microphone would send it.

    .venv/bin/python bench/voice_latency.py [--url [NAME=]URL ...] [--wavs DIR ...]
        [--repeat N] [--variant NAME:ENV=VALUE,ENV=VALUE ...]

Without --url it starts a server with the default local models on a free port (a fresh
SQLite database in a temporary folder), one per --variant (its settings in its environment;
`base` without any), and gives every turn to each variant in turn, so they share the machine's
load alike. Speech comes from the WAV files in each DIR (a folder of WAVs, or of folders of
WAVs: each folder is a set; `python -m bench.voice_sets DIR` makes varied ones) or, by
default, from learner sentences it has Piper speak. Each is streamed at real-time pace in
20 ms frames, then silence until the tutor has answered. A first turn on each server warms
it up (the model reads the lesson's fixed prompt) and is not counted.

End of speech = the end of the last speech in the WAV as Silero VAD finds it (the model
faster-whisper ships), so noise after the voice does not count as speech. A turn is closed
early when reply audio arrives before that moment: the student was still speaking.
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

from ailingva.providers.audio import chunk_to_wav, float_to_pcm16, pcm16_to_float, to_float16k
from ailingva.providers.local.piper import PiperTTS
from ailingva.providers.settings import ProviderSettings
from ailingva.voice.turns import FRAME_BYTES, FRAME_MS, SAMPLE_RATE

SENTENCES = (
    "Yesterday I goed to the park with my friend.",
    "She don't like coffee in the morning.",
    "I am agree with you about this film.",
    "My brother have two cats and a dog.",
    "We was at home all day yesterday.",
)
PASSWORD = "Correct horse 42 battery"
ROOT = Path(__file__).resolve().parents[1]
LEAD_IN_FRAMES = 25  # silence before each turn
STAGES = (
    "turn_detect",
    "turn_model",
    "commit",
    "stt",
    "grammar",
    "llm_first_token",
    "first_clause",
    "first_sentence",
    "first_audio",
)


@dataclass(frozen=True)
class Clip:
    set_name: str
    name: str
    pcm: bytes
    end_frame: int  # the frame in which speech ends (Silero)


@dataclass(frozen=True)
class Variant:
    name: str
    env: dict[str, str]


@dataclass
class TurnResult:
    clip: Clip
    variant: str
    transcript: str = ""
    end_to_first_audio_ms: float | None = None
    early: bool = False  # reply audio arrived while the student was still speaking
    timings: dict[str, float] = field(default_factory=dict)


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def local_server(env_extra: dict[str, str]) -> Iterator[str]:
    """`ailingva serve` with the default local models and a throwaway database."""
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="ailingva-bench-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
        "DATA_DIR": str(folder),
        **env_extra,
    }
    cli = str(Path(sys.executable).with_name("ailingva"))
    subprocess.run([cli, "migrate"], check=True, env=env, cwd=ROOT, capture_output=True)
    log = (folder / "server.log").open("wb")
    server = subprocess.Popen(
        [cli, "serve", "--port", str(port)], env=env, cwd=ROOT, stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                health = httpx.get(f"{url}/api/health", timeout=1)
                if health.status_code == 200 and health.json()["models"] == "ready":
                    break
            time.sleep(0.5)
        else:
            raise SystemExit(f"the server and its models were not ready; see {log.name}")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def speech_end_frame(pcm: bytes) -> int:
    """The 20 ms frame in which the last speech ends, by Silero VAD (no padding)."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps  # type: ignore[import-untyped]

    samples = pcm16_to_float(pcm)
    spans = get_speech_timestamps(
        samples, VadOptions(threshold=0.5, speech_pad_ms=0, min_silence_duration_ms=100)
    )
    end = spans[-1]["end"] if spans else len(samples)
    return int(end * 1000 / SAMPLE_RATE) // FRAME_MS


def clip(set_name: str, name: str, pcm: bytes) -> Clip:
    return Clip(set_name, name, pcm, speech_end_frame(pcm))


def speech_from_wavs(folder: Path) -> list[Clip]:
    sets = [d for d in sorted(folder.iterdir()) if d.is_dir() and any(d.glob("*.wav"))]
    clips = [
        clip(d.name, f.name, float_to_pcm16(to_float16k(f.read_bytes(), provider="wav")))
        for d in sets or [folder]
        for f in sorted(d.glob("*.wav"))
    ]
    if not clips:
        raise SystemExit(f"no .wav files in {folder}")
    return clips


async def speech_from_piper() -> list[Clip]:
    settings = ProviderSettings()
    tts = PiperTTS(settings.local_tts_voice, settings.models_dir)
    try:
        spoken = []
        for sentence in SENTENCES:
            wav = chunk_to_wav(await tts.synthesize(sentence))
            spoken.append(clip("bench", sentence, float_to_pcm16(to_float16k(wav, provider="p"))))
        return spoken
    finally:
        await tts.aclose()


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


async def open_session(url: str) -> Any:
    token = await sign_in(url)
    ws_url = url.replace("http", "ws", 1) + f"/ws/voice?access_token={token}"
    ws = await websockets.connect(ws_url, max_size=None)
    await ws.send(json.dumps({"type": "start"}))
    while json.loads(await ws.recv())["type"] != "session_started":
        pass
    return ws


async def run_turns(
    sessions: dict[str, Any], clips: list[Clip], repeat: int, gap_s: float
) -> list[TurnResult]:
    for variant, ws in sessions.items():
        warm = await one_turn(ws, clips[0], variant, gap_s, limit_s=600)
        print(f"[{variant}] warmed up -> {warm.transcript!r}", flush=True)
    results: list[TurnResult] = []
    for _ in range(repeat):
        for item in clips:
            for variant, ws in sessions.items():
                result = await one_turn(ws, item, variant, gap_s)
                results.append(result)
                stages = ", ".join(
                    f"{s} {result.timings[s]:.0f}" for s in STAGES if s in result.timings
                )
                e2e = result.end_to_first_audio_ms
                print(
                    f"{item.set_name}/{item.name} [{variant}]"
                    f"{' EARLY' if result.early else ''} -> {result.transcript!r}\n"
                    f"  {'-' if e2e is None else f'{e2e:.0f}'} ms to audio ({stages})",
                    flush=True,
                )
    return results


async def one_turn(
    ws: Any, item: Clip, variant: str, gap_s: float, limit_s: float = 180
) -> TurnResult:
    result = TurnResult(item, variant)
    silence = b"\x00" * FRAME_BYTES
    pcm = item.pcm
    frames = [pcm[i : i + FRAME_BYTES] for i in range(0, len(pcm) - FRAME_BYTES + 1, FRAME_BYTES)]
    end_of_speech: list[float] = []
    done = asyncio.Event()

    async def send() -> None:
        start = time.perf_counter()
        for sent, frame in enumerate([silence] * LEAD_IN_FRAMES + frames):
            await asyncio.sleep(max(0.0, start + sent * FRAME_MS / 1000 - time.perf_counter()))
            await ws.send(frame)
            if sent == LEAD_IN_FRAMES + min(item.end_frame, len(frames) - 1):
                end_of_speech.append(time.perf_counter())
        sent = LEAD_IN_FRAMES + len(frames)
        finished_at: float | None = None
        # The microphone stays open: silence until the answer, and a little after it (the
        # server reads the next prompt's start then: that is not the next turn's time).
        while finished_at is None or time.perf_counter() < finished_at + gap_s:
            if finished_at is None and done.is_set():
                finished_at = time.perf_counter()
            await asyncio.sleep(max(0.0, start + sent * FRAME_MS / 1000 - time.perf_counter()))
            await ws.send(silence)
            sent += 1

    async def receive() -> None:
        async for message in ws:
            if isinstance(message, bytes):
                if not end_of_speech:
                    result.early = True
                elif result.end_to_first_audio_ms is None:
                    result.end_to_first_audio_ms = (time.perf_counter() - end_of_speech[0]) * 1000
                continue
            event = json.loads(message)
            if event["type"] == "transcript":
                result.transcript = event["text"]
            elif event["type"] == "reply_done":
                await ws.send(json.dumps({"type": "playback", "played_ms": 3_600_000}))
            elif event["type"] == "turn_completed" and end_of_speech and not event["interrupted"]:
                result.timings = event["timings"]
                return
            elif event["type"] == "error":
                print(f"  error: {event['code']}: {event['message']}", file=sys.stderr)
                if event["code"] == "tutor_unavailable":
                    return

    sender = asyncio.create_task(send())
    try:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(receive(), timeout=limit_s)
    finally:
        done.set()
        await sender
    return result


def stage_rows(results: list[TurnResult]) -> list[tuple[str, list[float]]]:
    e2e = [r.end_to_first_audio_ms for r in results if r.end_to_first_audio_ms is not None]
    rows = [("end of speech -> audio", e2e)]
    for stage in STAGES:
        rows.append((stage, [r.timings[stage] for r in results if stage in r.timings]))
    return rows


def overhead(results: list[TurnResult]) -> float:
    """The median share of a turn's time outside the models: the end of speech to its first
    audio less what the stages on the critical path took (the wait for the turn, or the
    speech-to-text and the tutor up to its first audio from the short pause, whichever is
    later: the answer is prepared while the turn is being decided)."""
    shares = []
    for r in results:
        if not r.end_to_first_audio_ms:
            continue
        t = r.timings
        work = t.get("turn_detect", 0.0) + t.get("stt", 0.0) + t.get("first_audio", 0.0)
        shares.append(max(0.0, r.end_to_first_audio_ms - max(work, t.get("commit", 0.0))))
        shares[-1] /= r.end_to_first_audio_ms
    return statistics.median(shares) if shares else float("nan")


def summary(results: list[TurnResult]) -> str:
    e2e = [r.end_to_first_audio_ms for r in results if r.end_to_first_audio_ms is not None]
    early = sum(r.early for r in results)
    return (
        f"p50_ms={percentile(e2e, 50):.0f} p95_ms={percentile(e2e, 95):.0f} "
        f"answered={len(e2e)}/{len(results)} early={early} overhead={overhead(results):.1%}"
    )


def report(results: list[TurnResult], variants: list[str]) -> None:
    sets = list(dict.fromkeys(r.clip.set_name for r in results))
    groups = [(s, v) for s in [*sets, "all"] for v in variants] if len(sets) > 1 else []
    groups += [] if groups else [(sets[0], v) for v in variants]
    for set_name, variant in groups:
        chosen = [
            r for r in results if r.variant == variant and set_name in ("all", r.clip.set_name)
        ]
        print(f"\n== set {set_name}, variant {variant}: {len(chosen)} turns")
        print(f"{'stage':<26}{'p50 ms':>10}{'p95 ms':>10}")
        for stage, values in stage_rows(chosen):
            print(f"{stage:<26}{percentile(values, 50):>10.0f}{percentile(values, 95):>10.0f}")
    print(f"\nload average now: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for set_name, variant in groups:
        chosen = [
            r for r in results if r.variant == variant and set_name in ("all", r.clip.set_name)
        ]
        print(f"set={set_name} variant={variant} {summary(chosen)}")


def parse_variant(text: str) -> Variant:
    name, _, settings = text.partition(":")
    env = dict(pair.split("=", 1) for pair in settings.split(",") if pair)
    return Variant(name, env)


async def bench(urls: dict[str, str], clips: list[Clip], repeat: int, gap_s: float) -> None:
    sessions = {name: await open_session(url) for name, url in urls.items()}
    try:
        report(await run_turns(sessions, clips, repeat, gap_s), list(urls))
    finally:
        for ws in sessions.values():
            await ws.send(json.dumps({"type": "stop"}))
            await ws.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--url", action="append", help="a running server, NAME=URL (default: one per variant)"
    )
    parser.add_argument("--wavs", type=Path, action="append", help="a folder of WAV sets")
    parser.add_argument("--repeat", type=int, default=1, help="each clip this many times")
    parser.add_argument("--gap", type=float, default=1.5, help="seconds of silence after a turn")
    parser.add_argument("--variant", type=parse_variant, action="append", default=[])
    args = parser.parse_args()
    if args.wavs:
        clips = [c for folder in args.wavs for c in speech_from_wavs(folder)]
    else:
        clips = asyncio.run(speech_from_piper())
    variants: list[Variant] = args.variant or [Variant("base", {})]
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    with contextlib.ExitStack() as stack:
        if args.url:
            urls = dict(u.split("=", 1) if "=" in u else ("url", u) for u in args.url)
        else:
            urls = {v.name: stack.enter_context(local_server(v.env)) for v in variants}
        print(f"{len(clips)} clips x {args.repeat}, variants: {', '.join(urls)}", flush=True)
        asyncio.run(bench(urls, clips, args.repeat, args.gap))


if __name__ == "__main__":
    main()
