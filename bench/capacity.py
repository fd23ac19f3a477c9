"""How many live voice sessions one core carries: the app against a bare WebSocket sink.

    .venv/bin/python bench/capacity.py [--sessions 10,25,50] [--seconds 20] [--workers 1|2]
                                       [--database-url URL]

It starts `ailingva serve` with the fake providers (a fresh SQLite database in a temporary folder
unless --database-url) and a bare FastAPI WebSocket sink that answers `start`, `ping`, `stop`.
Both are pinned to core 0 (with --workers 2 the app gets cores 0 and 1, sharing core 1 with this
load generator, pinned to core 1). Each step opens N sessions on each server in turn; each
streams 20 ms PCM16 frames at real-time pace (an espeak-ng sentence, then silence, so the VAD
ends a turn every ~4 s) and sends a `ping` every 240 ms. Latency = `ping` sent -> `pong`
received: the server answers in order, so it includes every frame queued in front of the ping.
A session is lost if it fails to start, gets an `error`, or does not end with `session_ended`
after `stop`. CPU = the server's process tree (utime + stime from /proc) over the window.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np
import websockets
from fastapi import FastAPI, WebSocket

from ailingva.providers.audio import float_to_pcm16, to_float16k
from ailingva.voice.turns import FRAME_BYTES, FRAME_MS

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "Correct horse 42 battery"
SENTENCE = "Yesterday I goed to the park with my friend."
PAUSE_SECONDS = 1.5  # silence after each sentence: the VAD takes the turn after 0.6 s
PING_EVERY_FRAMES = 12
TARGET_P99_MS = 50.0
REDIS_URL = "redis://127.0.0.1:6379/12"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

sink = FastAPI()


@sink.get("/api/health")
async def _health() -> dict[str, str]:
    return {"status": "ok"}


@sink.get("/api/auth/me")  # the least a JSON route does: bench/api_load.py's bare endpoint
async def _me() -> dict[str, object]:
    return {"id": 1, "email": "bench@example.com", "name": "Bench", "role": "student"}


@sink.websocket("/ws/voice")
async def _sink_session(ws: WebSocket) -> None:
    """The least a voice server does: accept, read every frame, answer the protocol's JSON."""
    await ws.accept()
    while True:
        message = await ws.receive()
        if message["type"] == "websocket.disconnect":
            return
        if message.get("text") is None:
            continue
        kind = json.loads(message["text"])["type"]
        if kind == "start":
            await ws.send_text('{"type":"session_started"}')
        elif kind == "ping":
            await ws.send_text('{"type":"pong"}')
        elif kind == "stop":
            await ws.send_text('{"type":"session_ended","reason":"stopped"}')
            await ws.close()
            return


@dataclass
class Step:
    """What the sessions of one step on one server saw."""

    sessions: int
    window_open: bool = False
    started: int = 0
    all_started: asyncio.Event = field(default_factory=asyncio.Event)
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    latencies_ms: list[float] = field(default_factory=list)
    send_lag_ms: list[float] = field(default_factory=list)
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
    lag_p99_ms: float  # how late this load generator sent its pings

    @property
    def cpu_ms_per_session_second(self) -> float:
        return self.cpu_percent * 10 / self.sessions


def percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def speech_cycle() -> bytes:
    """One sentence of speech and the pause after it, as 16 kHz PCM16 in whole frames."""
    wav = subprocess.run(
        ["espeak-ng", "-v", "en-us", "--stdout", SENTENCE], check=True, capture_output=True
    ).stdout
    pcm = float_to_pcm16(to_float16k(wav, provider="espeak-ng"))
    pcm += b"\x00\x00" * int(PAUSE_SECONDS * 16000)
    return pcm[: len(pcm) // FRAME_BYTES * FRAME_BYTES]


def tree_cpu_seconds(root: int) -> float:
    """utime + stime of `root` and all its descendants (uvicorn's workers are children)."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            parents[int(entry.name)] = int(fields[1])
            times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    total, pending = 0.0, [root]
    while pending:
        pid = pending.pop()
        total += times.get(pid, 0.0)
        pending.extend(child for child, parent in parents.items() if parent == pid)
    return total


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{url} exited:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                return
        time.sleep(0.3)
    raise SystemExit(f"{url} not ready within 120 s:\n{log.read_text()[-3000:]}")


def ailingva_cli() -> list[str]:
    cli = Path(sys.executable).with_name("ailingva")
    return (
        [str(cli)]
        if cli.exists()
        else [sys.executable, "-c", "from ailingva.cli import app; app()"]
    )


@contextlib.contextmanager
def servers(
    workers: int, database_url: str | None, folder: Path
) -> Iterator[dict[str, tuple[str, int]]]:
    """The app and the sink on free ports, pinned; yields {name: (url, pid)}."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database_url or f"sqlite:///{folder / 'bench.db'}",
        "DATA_DIR": str(folder),
        "FRONTEND_DIST": str(folder / "no-dist"),
        "STT_PROVIDER": "fake",
        "LLM_PROVIDER": "fake",
        "TTS_PROVIDER": "fake",
        "ACCESS_TOKEN_MINUTES": "600",
        "LOG_LEVEL": "warning",
    }
    env.pop("REDIS_URL", None)
    if workers > 1:
        env["REDIS_URL"] = REDIS_URL
    subprocess.run(
        [*ailingva_cli(), "migrate"], check=True, env=env, cwd=folder, capture_output=True
    )
    app_port, sink_port = free_port(), free_port()
    cores = ",".join(str(core) for core in range(workers))
    app = [*ailingva_cli(), "serve", "--port", str(app_port), "--workers", str(workers)]
    bare = [sys.executable, "-m", "uvicorn", "bench.capacity:sink", "--port", str(sink_port)]
    commands = {
        "app": ["taskset", "-c", cores, *app],
        "sink": ["taskset", "-c", "0", *bare, "--log-level", "warning"],
    }
    ports = {"app": app_port, "sink": sink_port}
    processes: list[subprocess.Popen[bytes]] = []
    try:
        found: dict[str, tuple[str, int]] = {}
        for name, command in commands.items():
            log = folder / f"{name}.log"
            with log.open("wb") as out:
                cwd = ROOT if name == "sink" else folder
                process = subprocess.Popen(
                    command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT
                )
            processes.append(process)
            url = f"http://127.0.0.1:{ports[name]}"
            wait_ready(url, process, log)
            found[name] = (url, process.pid)
        yield found
    finally:
        for process in processes:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


async def register(url: str, count: int) -> list[str]:
    """`count` students' access tokens; each registers from its own address (X-Forwarded-For,
    trusted from loopback as from a proxy), as the registration throttle counts by address."""
    limit = asyncio.Semaphore(4)

    async def one(index: int) -> str:
        async with limit, httpx.AsyncClient(base_url=url, timeout=120) as http:
            address = {"X-Forwarded-For": f"10.{index // 65536}.{index // 256 % 256}.{index % 256}"}
            email = f"bench-{uuid.uuid4().hex[:10]}@example.com"
            body = {"email": email, "password": PASSWORD, "name": "Bench"}
            (await http.post("/api/auth/register", json=body, headers=address)).raise_for_status()
            token = await http.post("/api/auth/token", headers=address)
            token.raise_for_status()
            return str(token.json()["access_token"])

    return list(await asyncio.gather(*(one(i) for i in range(count))))


async def session(
    url: str, token: str, index: int, audio: bytes, step: Step, connects: asyncio.Semaphore
) -> None:
    frames = [audio[i : i + FRAME_BYTES] for i in range(0, len(audio), FRAME_BYTES)]
    offset = index * 7 * PING_EVERY_FRAMES % len(frames)  # the sessions speak out of step
    pings: deque[float] = deque()
    ended = False
    sender: asyncio.Task[None] | None = None
    ws_url = url.replace("http", "ws", 1) + f"/ws/voice?access_token={token}"

    async def send(ws: websockets.ClientConnection) -> None:
        start = time.perf_counter()
        sent = 0
        while not step.stop.is_set():
            due = start + sent * FRAME_MS / 1000
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            await ws.send(frames[(offset + sent) % len(frames)])
            sent += 1
            if sent % PING_EVERY_FRAMES == 0:
                now = time.perf_counter()
                if step.window_open:
                    step.send_lag_ms.append((now - due) * 1000)
                pings.append(now)
                await ws.send('{"type":"ping"}')
        await ws.send('{"type":"stop"}')

    try:
        async with connects:
            ws = await websockets.connect(ws_url, max_size=None, open_timeout=120)
            await ws.send(json.dumps({"type": "start", "speak": True}))
            while json.loads(await asyncio.wait_for(ws.recv(), 120))["type"] != "session_started":
                pass
        step.count_started()
        sender = asyncio.create_task(send(ws))
        async for message in ws:
            if isinstance(message, bytes):
                continue
            event = json.loads(message)
            kind = event["type"]
            if kind == "pong":
                rtt = (time.perf_counter() - pings.popleft()) * 1000
                if step.window_open:
                    step.latencies_ms.append(rtt)
            elif kind == "transcript" and step.window_open:
                step.turns += 1
            elif kind == "reply_done":  # the student's speaker "played" the whole reply
                await ws.send(json.dumps({"type": "playback", "played_ms": 3_600_000}))
            elif kind == "error":
                step.errors.append(event["code"])
            elif kind == "session_ended":
                ended = event["reason"] == "stopped" and step.stop.is_set()
                break
        await sender
        await ws.close()
    except websockets.ConnectionClosed as exc:
        step.errors.append(f"closed {exc.rcvd.code if exc.rcvd else 'without a close frame'}")
    except (OSError, TimeoutError, websockets.WebSocketException) as exc:
        step.errors.append(type(exc).__name__)
    finally:
        if sender is None:
            step.count_started()  # it never will: do not wait for it
        else:
            sender.cancel()
        if not ended:
            step.lost += 1


async def run_step(
    name: str, url: str, pid: int, tokens: list[str], audio: bytes, seconds: float
) -> Row:
    step = Step(len(tokens))
    connects = asyncio.Semaphore(10)
    tasks = [
        asyncio.create_task(session(url, t, i, audio, step, connects)) for i, t in enumerate(tokens)
    ]
    await step.all_started.wait()
    await asyncio.sleep(1.0)  # past the connection burst
    step.window_open = True
    cpu0, t0 = tree_cpu_seconds(pid), time.monotonic()
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
    elapsed = time.monotonic() - t0
    step.window_open = False
    step.stop.set()
    await asyncio.wait(tasks, timeout=60)
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
        percentile(step.send_lag_ms, 99),
    )


HEADER = (
    f"{'server':<6} {'sessions':>8} {'p50 ms':>7} {'p99 ms':>7} {'lost':>5} {'turns':>6}"
    f" {'CPU %':>6} {'CPU ms/s':>9} {'x sink':>7} {'load lag':>9}"
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
        f" {ratio:>7.1f} {row.lag_p99_ms:>8.1f}",
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


async def bench(args: argparse.Namespace) -> list[Row]:
    audio = speech_cycle()
    rows: list[Row] = []
    with (
        tempfile.TemporaryDirectory(prefix="ailingva-capacity-") as tmp,
        servers(args.workers, args.database_url, Path(tmp)) as found,
    ):
        app_url, app_pid = found["app"]
        print(f"registering {max(args.sessions)} students ...", flush=True)
        tokens = await register(app_url, max(args.sessions))
        print(HEADER, flush=True)
        for count in args.sessions:
            app_row = await run_step("app", app_url, app_pid, tokens[:count], audio, args.seconds)
            sink_url, sink_pid = found["sink"]
            sink_row = await run_step(
                "sink", sink_url, sink_pid, tokens[:count], audio, args.seconds
            )
            print_row(app_row, sink_row)
            print_row(sink_row, sink_row)
            rows += [app_row, sink_row]
    summary(rows, args.workers)
    return rows


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sessions",
        default="10,25,50,100,150,200",
        type=lambda text: [int(n) for n in text.split(",")],
        help="the steps: concurrent sessions, comma-separated",
    )
    parser.add_argument("--seconds", type=float, default=20, help="measured seconds per step")
    parser.add_argument("--workers", type=int, choices=(1, 2), default=1, help="app processes")
    parser.add_argument("--database-url", help="e.g. PostgreSQL; default a fresh SQLite file")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> list[Row]:
    args = parse(argv)
    if (os.cpu_count() or 1) > 1:  # the load on the core the (first) app process does not use
        os.sched_setaffinity(0, {1})
    return asyncio.run(bench(args))


if __name__ == "__main__":
    main()
