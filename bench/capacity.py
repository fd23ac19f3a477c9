"""How many live voice sessions one core carries: the app against a bare WebSocket sink.

    .venv/bin/python -m bench.capacity [--sessions 50,100,150,200] [--seconds 20]
                                       [--workers 1|2] [--analysis-worker] [--deflate]
                                       [--silent] [--database-url URL]

It starts `ailingva serve` with the fake providers (a fresh SQLite database in a temporary folder
unless --database-url) and a bare FastAPI WebSocket sink that answers `start`, `ping`, `stop`
(bench/capacity_servers.py). Both are pinned to core 0 (with --workers 2 the app gets cores 0
and 1, sharing core 1 with this load generator, pinned to core 1). Each step opens N sessions on
each server in turn; each streams 20 ms PCM16 frames at real-time pace (an espeak-ng sentence,
then silence, so the VAD ends a turn every ~4 s) and sends a `ping` every 240 ms. Latency =
`ping` sent -> `pong` received: the server answers in order, so it includes every frame queued
in front of the ping. A session is lost if it fails to start, gets an `error`, or does not end
with `session_ended` after `stop`. CPU = the server's process tree (utime + stime from /proc)
over the window. The jobs a turn enqueues (the brain's analysis) run in the app process, or,
with Redis (--workers 2 or --analysis-worker), in an `ailingva worker` on core 1: `jobs CPU`.

The generator keeps pace in one process: every frame of the cycle is built once as the bytes
a client puts on the wire, and one clock writes each session's next frame straight to its
socket every 20 ms (the sessions in 10 phases 2 ms apart); websockets only connects and reads.
`load lag` is how late the clock wrote (p99 over every phase of the window), `load CPU` this
process's own CPU: a lag above a few ms means the load, not the server, is the limit. The client
does not compress (as a server that turns permessage-deflate off sees every browser);
--deflate negotiates it as a browser does and sends every frame compressed. --silent streams
silence (no turn is ever taken): what the frames alone cost.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import zlib
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import uvloop
import websockets
from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory

from ailingva.providers.audio import float_to_pcm16, to_float16k
from ailingva.voice.turns import FRAME_BYTES, FRAME_MS
from bench.capacity_servers import (
    PASSWORD,
    percentile,
    register,
    servers,
    tree_cpu_seconds,
)

__all__ = ["PASSWORD", "percentile", "register", "servers", "tree_cpu_seconds"]

SENTENCE = "Yesterday I goed to the park with my friend."
PAUSE_SECONDS = 1.5  # silence after each sentence: the VAD takes the turn after 0.6 s
PING_EVERY_FRAMES = 12
PHASES = 10  # the sessions' frames go out in this many groups, spread over each 20 ms
TARGET_P99_MS = 50.0
WARM_UP_SECONDS = 8.0
TEXT, BINARY = 1, 2
RSV1 = 0x40  # a compressed message (permessage-deflate)


def wire(opcode: int, payload: bytes, *, compressed: bool = False) -> bytes:
    """A client's WebSocket frame as it goes on the wire (RFC 6455), masked with the all-zero
    key: a client may pick any key, and this one leaves the payload as it is, so every frame
    is built once. The server reads and unmasks it as any other."""
    size = len(payload)
    length = bytes([0x80 | size]) if size < 126 else bytes([0x80 | 126]) + size.to_bytes(2, "big")
    return bytes([0x80 | (RSV1 if compressed else 0) | opcode]) + length + b"\0\0\0\0" + payload


def deflated(payload: bytes) -> bytes:
    """One message compressed on its own (the client asked for no context takeover)."""
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    data = compressor.compress(payload) + compressor.flush(zlib.Z_SYNC_FLUSH)
    return data[:-4]  # without the empty block's 00 00 ff ff (RFC 7692)


@dataclass(frozen=True)
class Wire:
    """The client's messages, ready to write."""

    frames: list[bytes]  # the speech cycle
    ping: bytes
    stop: bytes
    played: bytes  # the student's speaker "played" the whole reply

    @classmethod
    def build(cls, audio: bytes, *, deflate: bool) -> Wire:
        def message(opcode: int, payload: bytes) -> bytes:
            if deflate:
                return wire(opcode, deflated(payload), compressed=True)
            return wire(opcode, payload)

        frames = [audio[i : i + FRAME_BYTES] for i in range(0, len(audio), FRAME_BYTES)]
        return cls(
            [message(BINARY, frame) for frame in frames],
            message(TEXT, b'{"type":"ping"}'),
            message(TEXT, b'{"type":"stop"}'),
            message(TEXT, b'{"type":"playback","played_ms":3600000}'),
        )


@dataclass(eq=False)
class Voice:
    """One session's microphone: its next frame, and when its pings went out."""

    transport: asyncio.WriteTransport
    position: int
    sent: int
    pings: deque[float] = field(default_factory=deque)

    def send(self, wire: Wire, now: float) -> None:
        data = wire.frames[self.position]
        self.position = (self.position + 1) % len(wire.frames)
        self.sent += 1
        if self.sent % PING_EVERY_FRAMES == 0:
            self.pings.append(now)
            data += wire.ping
        if not self.transport.is_closing():  # the server closed it: its session ends
            self.transport.write(data)


@dataclass
class Step:
    """What the sessions of one step on one server saw."""

    sessions: int
    wire: Wire
    window_open: bool = False
    started: int = 0
    all_started: asyncio.Event = field(default_factory=asyncio.Event)
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    phases: list[list[Voice]] = field(default_factory=lambda: [[] for _ in range(PHASES)])
    latencies_ms: list[float] = field(default_factory=list)
    lag_ms: list[float] = field(default_factory=list)
    turns: int = 0
    lost: int = 0
    errors: list[str] = field(default_factory=list)

    def count_started(self) -> None:
        self.started += 1
        if self.started == self.sessions:
            self.all_started.set()


@dataclass
class Row:
    server: str
    sessions: int
    p50_ms: float
    p99_ms: float
    lost: int
    turns: int
    cpu_percent: float  # of one core
    lag_p99_ms: float  # how late this load generator wrote its frames
    load_cpu_percent: float  # this load generator's own CPU
    worker_cpu_percent: float  # the jobs' process (the brain's analysis), with Redis

    @property
    def cpu_ms_per_session_second(self) -> float:
        return self.cpu_percent * 10 / self.sessions


def speech_cycle() -> bytes:
    """One sentence of speech and the pause after it, as 16 kHz PCM16 in whole frames."""
    wav = subprocess.run(
        ["espeak-ng", "-v", "en-us", "--stdout", SENTENCE], check=True, capture_output=True
    ).stdout
    pcm = float_to_pcm16(to_float16k(wav, provider="espeak-ng"))
    pcm += b"\x00\x00" * int(PAUSE_SECONDS * 16000)
    return pcm[: len(pcm) // FRAME_BYTES * FRAME_BYTES]


async def clock(step: Step) -> None:
    """Every 20 ms each session's next frame; then each session's `stop`."""
    start = time.perf_counter()
    tick = 0
    while not step.stop.is_set():
        for phase, voices in enumerate(step.phases):
            due = start + (tick + phase / PHASES) * FRAME_MS / 1000
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            now = time.perf_counter()
            if step.window_open:
                step.lag_ms.append((now - due) * 1000)
            for voice in voices:
                voice.send(step.wire, now)
        tick += 1
    for voices in step.phases:
        for voice in voices:
            if not voice.transport.is_closing():
                voice.transport.write(step.wire.stop)


async def session(
    url: str, token: str, index: int, step: Step, connects: asyncio.Semaphore, deflate: bool
) -> None:
    """One student: connects, starts, then reads what the server sends while the clock
    writes its frames."""
    ended = False
    voice: Voice | None = None
    phase = step.phases[index % PHASES]
    ws_url = url.replace("http", "ws", 1) + f"/ws/voice?access_token={token}"
    # Asked for, the server compresses what it sends; the client compresses each frame alone.
    extensions = [ClientPerMessageDeflateFactory(client_no_context_takeover=True)]
    try:
        async with connects:
            ws = await websockets.connect(
                ws_url,
                max_size=None,
                open_timeout=120,
                ping_interval=None,
                compression=None,
                extensions=extensions if deflate else None,
            )
            await ws.send(json.dumps({"type": "start", "speak": True}))
            while json.loads(await asyncio.wait_for(ws.recv(), 120))["type"] != "session_started":
                pass
        # The sessions speak out of step, and ping out of step.
        voice = Voice(ws.transport, index * 7 * PING_EVERY_FRAMES % len(step.wire.frames), index)
        phase.append(voice)
        step.count_started()
        async for message in ws:
            if isinstance(message, bytes):
                continue
            event = json.loads(message)
            kind = event["type"]
            if kind == "pong":
                rtt = (time.perf_counter() - voice.pings.popleft()) * 1000
                if step.window_open:
                    step.latencies_ms.append(rtt)
            elif kind == "transcript" and step.window_open:
                step.turns += 1
            elif kind == "reply_done":
                ws.transport.write(step.wire.played)
            elif kind == "error":
                step.errors.append(event["code"])
            elif kind == "session_ended":
                ended = event["reason"] == "stopped" and step.stop.is_set()
                break
        phase.remove(voice)
        await ws.close()
    except websockets.ConnectionClosed as exc:
        step.errors.append(f"closed {exc.rcvd.code if exc.rcvd else 'without a close frame'}")
    except (OSError, TimeoutError, websockets.WebSocketException) as exc:
        step.errors.append(type(exc).__name__)
    finally:
        if voice is None:
            step.count_started()  # it never will: do not wait for it
        elif voice in phase:
            phase.remove(voice)
        if not ended:
            step.lost += 1


async def run_step(
    name: str,
    url: str,
    pid: int,
    tokens: list[str],
    wire: Wire,
    *,
    seconds: float,
    deflate: bool,
    worker: int | None = None,
) -> Row:
    step = Step(len(tokens), wire)
    connects = asyncio.Semaphore(10)
    ticking = asyncio.create_task(clock(step))
    tasks = [
        asyncio.create_task(session(url, t, i, step, connects, deflate))
        for i, t in enumerate(tokens)
    ]
    await step.all_started.wait()
    await asyncio.sleep(1.0)  # past the connection burst
    step.window_open = True
    cpu0, load0, t0 = tree_cpu_seconds(pid), time.process_time(), time.monotonic()
    worker0 = tree_cpu_seconds(worker) if worker is not None else 0.0
    tty = sys.stdout.isatty()
    start, end = ("\r", "") if tty else ("", "\n")
    while (left := t0 + seconds - time.monotonic()) > 0:
        await asyncio.sleep(min(1.0 if tty else 5.0, left))
        print(
            f"{start}  {name} {step.sessions} sessions: {seconds - left:.0f} s"
            f" of {seconds:.0f}, p99 so far {percentile(step.latencies_ms, 99):.1f} ms,"
            f" lost {step.lost}",
            end=end,
            flush=True,
        )
    cpu = tree_cpu_seconds(pid) - cpu0
    worker_cpu = tree_cpu_seconds(worker) - worker0 if worker is not None else 0.0
    load = time.process_time() - load0
    elapsed = time.monotonic() - t0
    step.window_open = False
    step.stop.set()
    await asyncio.wait([ticking, *tasks], timeout=60)
    if tty:
        print("\r\033[K", end="")
    if step.errors:
        print(f"  {name}: errors {sorted(set(step.errors))}")
    return Row(
        name,
        step.sessions,
        percentile(step.latencies_ms, 50),
        percentile(step.latencies_ms, 99),
        step.lost,
        step.turns,
        cpu / elapsed * 100,
        percentile(step.lag_ms, 99),
        load / elapsed * 100,
        worker_cpu / elapsed * 100,
    )


HEADER = (
    f"{'server':<6} {'sessions':>8} {'p50 ms':>7} {'p99 ms':>7} {'lost':>5} {'turns':>6}"
    f" {'CPU %':>6} {'CPU ms/s':>9} {'x sink':>7} {'load lag':>9} {'load CPU':>9}"
    f" {'jobs CPU':>9}"
)


def print_row(row: Row, sink_row: Row | None) -> None:
    ratio = (
        row.cpu_ms_per_session_second / sink_row.cpu_ms_per_session_second
        if sink_row is not None and sink_row.cpu_percent > 0
        else 1.0
    )
    print(
        f"{row.server:<6} {row.sessions:>8} {row.p50_ms:>7.1f} {row.p99_ms:>7.1f} {row.lost:>5}"
        f" {row.turns:>6} {row.cpu_percent:>6.0f} {row.cpu_ms_per_session_second:>9.2f}"
        f" {ratio:>7.2f} {row.lag_p99_ms:>8.1f} {row.load_cpu_percent:>8.0f}%"
        f" {row.worker_cpu_percent:>8.0f}%",
        flush=True,
    )


def summary(rows: list[Row], workers: int) -> None:
    for name in ("app", "sink"):
        passed = [r for r in rows if r.server == name and r.p99_ms <= TARGET_P99_MS and not r.lost]
        if not passed:
            print(f"{name}: no step met p99 <= {TARGET_P99_MS:.0f} ms with none lost")
            continue
        best = max(passed, key=lambda r: r.sessions)
        per_core = 1000 / best.cpu_ms_per_session_second
        print(
            f"{name}: {best.sessions} sessions at p99 {best.p99_ms:.1f} ms with none lost"
            f" ({best.sessions / (workers if name == 'app' else 1):.0f} per core given);"
            f" at {best.cpu_ms_per_session_second:.2f} ms CPU per session-second,"
            f" a full core would carry ~{per_core:.0f}"
        )
    app = [r for r in rows if r.server == "app"]
    sink = {r.sessions: r for r in rows if r.server == "sink"}
    ratios = [
        r.cpu_ms_per_session_second / sink[r.sessions].cpu_ms_per_session_second
        for r in app
        if r.sessions in sink and sink[r.sessions].cpu_percent > 0
    ]
    if ratios:
        print(f"app CPU per session over the sink's: {min(ratios):.2f}-{max(ratios):.2f} x")


async def bench(args: argparse.Namespace) -> list[Row]:
    audio = b"\0\0" * 16000 * 4 if args.silent else speech_cycle()
    wire = Wire.build(audio, deflate=args.deflate)
    rows: list[Row] = []
    with (
        tempfile.TemporaryDirectory(prefix="ailingva-capacity-") as tmp,
        servers(
            args.workers, args.database_url, Path(tmp), analysis_worker=args.analysis_worker
        ) as found,
    ):
        app_url, app_pid = found["app"]
        worker = found["worker"][1] if "worker" in found else None
        print(f"registering {max(args.sessions)} students ...", flush=True)
        tokens = await register(app_url, max(args.sessions))
        step = partial(run_step, wire=wire, seconds=args.seconds, deflate=args.deflate)
        # The app's first turns load the grammar engine (seconds of CPU): not in any step.
        warm = await step("app", app_url, app_pid, tokens[:4], seconds=WARM_UP_SECONDS)
        print(f"warmed up: {warm.turns} turns", flush=True)
        print(HEADER, flush=True)
        for count in args.sessions:
            app_row = await step("app", app_url, app_pid, tokens[:count], worker=worker)
            sink_url, sink_pid = found["sink"]
            sink_row = await step("sink", sink_url, sink_pid, tokens[:count])
            print_row(app_row, sink_row)
            print_row(sink_row, sink_row)
            rows += [app_row, sink_row]
    summary(rows, args.workers)
    return rows


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sessions",
        default="50,100,150,200",
        type=lambda text: [int(n) for n in text.split(",")],
        help="the steps: concurrent sessions, comma-separated",
    )
    parser.add_argument("--seconds", type=float, default=20, help="measured seconds per step")
    parser.add_argument("--workers", type=int, choices=(1, 2), default=1, help="app processes")
    parser.add_argument(
        "--deflate", action="store_true", help="negotiate permessage-deflate, as browsers do"
    )
    parser.add_argument(
        "--analysis-worker",
        action="store_true",
        help="the jobs (the brain's analysis) in an `ailingva worker` on core 1, via Redis",
    )
    parser.add_argument(
        "--silent", action="store_true", help="silence only, no turns: the cost of the frames"
    )
    parser.add_argument("--database-url", help="e.g. PostgreSQL; default a fresh SQLite file")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> list[Row]:
    args = parse(argv)
    if (os.cpu_count() or 1) > 1:  # the load on the core the (first) app process does not use
        os.sched_setaffinity(0, {1})
    return uvloop.run(bench(args))


if __name__ == "__main__":
    main()
