"""The servers of bench/capacity.py (and bench/api_load.py): `ailingva serve` with the fake
providers and a bare FastAPI sink, pinned to cores, and the CPU their process trees use."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import httpx
import numpy as np
import redis
from fastapi import FastAPI, WebSocket

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "Correct horse 42 battery"
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


def percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


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
    workers: int, database_url: str | None, folder: Path, *, analysis_worker: bool = False
) -> Iterator[dict[str, tuple[str, int]]]:
    """The app and the sink on free ports, pinned; yields {name: (url, pid)}. With Redis (two
    app processes, or `analysis_worker`) the jobs go to an `ailingva worker` on the last core,
    under "worker"; else the app runs them itself."""
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
    with_redis = workers > 1 or analysis_worker
    if with_redis:
        env["REDIS_URL"] = REDIS_URL
        redis.Redis.from_url(REDIS_URL).flushdb()  # no job left from an earlier run
    subprocess.run(
        [*ailingva_cli(), "migrate"], check=True, env=env, cwd=folder, capture_output=True
    )
    app_port, sink_port = free_port(), free_port()
    cores = ",".join(str(core) for core in range(workers))
    app = [*ailingva_cli(), "serve", "--port", str(app_port), "--workers", str(workers)]
    bare = [sys.executable, "-m", "uvicorn", "bench.capacity_servers:sink"]
    commands = {
        "app": ["taskset", "-c", cores, *app],
        "sink": ["taskset", "-c", "0", *bare, "--port", str(sink_port), "--log-level", "warning"],
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
        if with_redis:
            last_core = str((os.cpu_count() or 1) - 1)
            with (folder / "worker.log").open("wb") as out:
                process = subprocess.Popen(
                    ["taskset", "-c", last_core, *ailingva_cli(), "worker"],
                    env=env,
                    cwd=folder,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            processes.append(process)
            found["worker"] = ("", process.pid)
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
