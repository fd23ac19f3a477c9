"""The JSON API under concurrency: `GET /api/auth/me` with a session cookie, against a bare
FastAPI JSON endpoint in the same run.

    .venv/bin/python bench/api_load.py [--connections 50,200] [--seconds 10]
                                       [--databases sqlite,postgresql] [--postgres-url URL]

For each database it starts `ailingva serve` with the fake providers (a fresh SQLite file, or a
fresh database on the PostgreSQL server, migrated) and the bare sink of bench/capacity.py, both
pinned to core 0; the load generator runs on core 1: `wrk` when it is installed, else the
asyncio generator below (keep-alive HTTP/1.1, one request in flight per connection). Each step
loads the app, then the sink, with the same connections; meanwhile this process signs in once a
second (a write: a new session row) and reports the slowest sign-in, so a writer starved by the
readers shows. Errors = non-2xx answers (5xx counted apart), socket errors and timeouts.
Target: no 5xx and no timeout at 200 connections, app >= 0.25 x the sink's requests/s.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import shutil
import subprocess
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.capacity import PASSWORD, percentile, servers, tree_cpu_seconds

TARGET_RATIO = 0.25
TIMEOUT_SECONDS = 10
COOKIE = "ailingva_session"
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests)
  for _, t in ipairs(threads) do
    for status, n in pairs(t:get("statuses")) do
      io.write(string.format("status %d %d\\n", status, n))
    end
  end
  io.write(string.format("p50_us %d\\n", latency:percentile(50)))
  io.write(string.format("p99_us %d\\n", latency:percentile(99)))
end
"""


@dataclass
class Load:
    """What one load step saw."""

    requests: int = 0
    seconds: float = 0.0
    statuses: Counter[int] = field(default_factory=Counter)
    socket_errors: int = 0
    timeouts: int = 0
    p50_ms: float = float("nan")
    p99_ms: float = float("nan")
    cpu_seconds: float = 0.0  # the server's, over the step

    @property
    def cpu_ms_per_request(self) -> float:
        return self.cpu_seconds * 1000 / self.requests if self.requests else float("nan")

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    @property
    def errors(self) -> int:
        """Answers neither 2xx nor 5xx (a 401: the cookie was refused), and socket errors."""
        refused = sum(n for status, n in self.statuses.items() if not 200 <= status < 300)
        return refused - self.server_errors + self.socket_errors


def run_wrk(url: str, cookie: str, connections: int, seconds: float, script: Path) -> Load:
    command = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{seconds:.0f}s",
        f"--timeout={TIMEOUT_SECONDS}s",
        "-s",
        str(script),
        "-H",
        f"Cookie: {COOKIE}={cookie}",
        f"{url}/api/auth/me",
    ]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    load = Load(seconds=seconds)
    if found := re.search(r"(\d+) requests in ([\d.]+)(m?s)", out):
        load.requests = int(found[1])
        load.seconds = float(found[2]) * (60 if found[3] == "m" else 1)
    if found := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    ):
        load.socket_errors = sum(int(found[i]) for i in (1, 2, 3))
        load.timeouts = int(found[4])
    for status, count in re.findall(r"^status (\d+) (\d+)$", out, re.M):
        load.statuses[int(status)] += int(count)
    load.p50_ms = int(re.search(r"^p50_us (\d+)$", out, re.M)[1]) / 1000  # type: ignore[index]
    load.p99_ms = int(re.search(r"^p99_us (\d+)$", out, re.M)[1]) / 1000  # type: ignore[index]
    return load


async def run_asyncio(url: str, cookie: str, connections: int, seconds: float) -> Load:
    """The fallback generator: `connections` keep-alive connections, each sending the next
    request as soon as the last answer is read."""
    host, port = url.removeprefix("http://").split(":")
    request = (
        f"GET /api/auth/me HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: {COOKIE}={cookie}\r\n\r\n"
    ).encode()
    load = Load()
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def connection() -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                writer.write(request)
                try:
                    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), TIMEOUT_SECONDS)
                except TimeoutError:
                    load.timeouts += 1
                    return
                length = int(re.search(rb"content-length: *(\d+)", head, re.I)[1])  # type: ignore[index]
                await reader.readexactly(length)
                latencies.append((time.perf_counter() - start) * 1000)
                load.statuses[int(head[9:12])] += 1
        except (OSError, asyncio.IncompleteReadError):
            load.socket_errors += 1
        finally:
            writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(connections)))
    load.seconds = time.perf_counter() - start
    load.requests = len(latencies)
    load.p50_ms, load.p99_ms = percentile(latencies, 50), percentile(latencies, 99)
    return load


async def sign_ins(url: str, email: str, stop: asyncio.Event) -> list[float]:
    """A sign-in a second while the load runs; how long each took (ms, or inf when failed)."""
    took: list[float] = []
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        while not stop.is_set():
            start = time.perf_counter()
            try:
                answer = await http.post(
                    "/api/auth/login", json={"email": email, "password": PASSWORD}
                )
                ok = answer.status_code == 200
            except httpx.HTTPError:
                ok = False
            took.append((time.perf_counter() - start) * 1000 if ok else float("inf"))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 1.0)
    return took


async def load_step(
    server: tuple[str, int], cookie: str, connections: int, seconds: float, script: Path | None
) -> Load:
    url, pid = server
    cpu = tree_cpu_seconds(pid)
    if script is not None:
        load = await asyncio.to_thread(run_wrk, url, cookie, connections, seconds, script)
    else:
        load = await run_asyncio(url, cookie, connections, seconds)
    load.cpu_seconds = tree_cpu_seconds(pid) - cpu
    return load


async def warmed_up(url: str) -> None:
    """Until the app has loaded its grammar engine and providers (seconds of CPU that would
    otherwise be counted against the first step)."""
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        for _ in range(600):
            if (await http.get("/api/health")).json()["models"] == "ready":
                return
            await asyncio.sleep(0.5)
    raise SystemExit(f"{url} did not warm up")


async def student(url: str) -> tuple[str, str]:
    """A registered student: (email, session cookie)."""
    email = f"load-{uuid.uuid4().hex[:10]}@example.com"
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        body = {"email": email, "password": PASSWORD, "name": "Нагрузка"}
        (await http.post("/api/auth/register", json=body)).raise_for_status()
        return email, str(http.cookies[COOKIE])


@contextlib.contextmanager
def database(kind: str, postgres_url: str, folder: Path) -> Iterator[str | None]:
    """None for a fresh SQLite file (bench/capacity.py makes it), else a fresh PG database."""
    if kind == "sqlite":
        yield None
        return
    server = make_url(postgres_url)
    name = f"ailingva_load_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


HEADER = (
    f"{'database':<10} {'server':<5} {'conns':>5} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7}"
    f" {'5xx':>5} {'errors':>6} {'timeouts':>8} {'CPU ms/req':>10} {'ratio (CPU)':>13}"
    f" {'sign-in max ms':>14}"
)


def ratios(app: Load, sink: Load) -> str:
    """The app's requests/s over the sink's, and (in brackets) the sink's CPU per request over
    the app's: the second holds when other work on the machine takes the servers' core."""
    by_rate = app.rps / sink.rps if sink.rps else 0.0
    by_cpu = sink.cpu_ms_per_request / app.cpu_ms_per_request if app.cpu_seconds else 0.0
    return f"{by_rate:.3f} ({by_cpu:.3f})"


def print_row(
    kind: str, server: str, connections: int, load: Load, ratio: str, signin: str
) -> None:
    print(
        f"{kind:<10} {server:<5} {connections:>5} {load.rps:>7.0f} {load.p50_ms:>7.1f}"
        f" {load.p99_ms:>7.1f} {load.server_errors:>5} {load.errors:>6} {load.timeouts:>8}"
        f" {load.cpu_ms_per_request:>10.2f} {ratio:>13} {signin:>14}",
        flush=True,
    )


async def bench(args: argparse.Namespace) -> list[tuple[str, int, Load, Load]]:
    script: Path | None = None
    rows: list[tuple[str, int, Load, Load]] = []
    with tempfile.TemporaryDirectory(prefix="ailingva-api-load-") as tmp:
        if shutil.which("wrk") and not args.asyncio:
            script = Path(tmp) / "count.lua"
            script.write_text(WRK_SCRIPT)
        print(f"load generator: {'wrk' if script else 'asyncio'}; uptime: {uptime()}")
        print(HEADER, flush=True)
        for kind in args.databases:
            folder = Path(tmp) / kind
            folder.mkdir()
            with (
                database(kind, args.postgres_url, folder) as url,
                servers(1, url, folder) as found,
            ):
                app_url = found["app"][0]
                await warmed_up(app_url)
                email, cookie = await student(app_url)
                for connections in args.connections:
                    stop = asyncio.Event()
                    writer = asyncio.create_task(sign_ins(app_url, email, stop))
                    app = await load_step(found["app"], cookie, connections, args.seconds, script)
                    stop.set()
                    took = await writer
                    sink = await load_step(found["sink"], cookie, connections, args.seconds, script)
                    slowest = max(took, default=float("nan"))
                    print_row(kind, "app", connections, app, ratios(app, sink), f"{slowest:.0f}")
                    print_row(kind, "bare", connections, sink, "", "")
                    rows.append((kind, connections, app, sink))
    summary(rows)
    return rows


def summary(rows: list[tuple[str, int, Load, Load]]) -> None:
    for kind, connections, app, sink in rows:
        ratio = app.rps / sink.rps if sink.rps else 0.0
        failed = app.server_errors + app.timeouts + app.errors
        verdict = "met" if ratio >= TARGET_RATIO and not failed else "NOT met"
        print(
            f"{kind} at {connections} connections: ratio {ratios(app, sink)}, {app.server_errors}"
            f" 5xx, {app.timeouts} timeouts: target {verdict}"
        )


def uptime() -> str:
    return "load average " + ", ".join(f"{n:.2f}" for n in os.getloadavg())


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--connections",
        default="50,200",
        type=lambda value: [int(n) for n in value.split(",")],
        help="the steps: concurrent connections, comma-separated",
    )
    parser.add_argument("--seconds", type=float, default=10, help="measured seconds per step")
    parser.add_argument(
        "--databases",
        default="sqlite,postgresql",
        type=lambda value: value.split(","),
        help="sqlite and/or postgresql",
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
        help="a PostgreSQL server where a fresh database may be made",
    )
    parser.add_argument("--asyncio", action="store_true", help="the asyncio generator, not wrk")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> list[tuple[str, int, Load, Load]]:
    args = parse(argv)
    if (os.cpu_count() or 1) > 1:  # the load (and wrk, its child) on the core the servers skip
        os.sched_setaffinity(0, {1})
    return asyncio.run(bench(args))


if __name__ == "__main__":
    main()
