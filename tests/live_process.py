"""Real servers as child processes on loopback: llama.cpp's OpenAI-compatible server, the app
(`ailingva serve`) and the worker, each logging to a file that a failure shows."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

READY_DEADLINE_SECONDS = 120


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.TransportError:
        return False


@contextmanager
def live_process(
    command: Sequence[str],
    log_path: Path,
    *,
    ready_url: str | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    """`command` running until the block ends; with `ready_url`, only once that answers 200.
    A process that dies or never gets ready fails the test with the end of its log."""
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=cwd)
    try:
        deadline = time.monotonic() + READY_DEADLINE_SECONDS
        while ready_url is not None and not _answers(ready_url):
            try:  # the pause between polls doubles as the check that the process did not die
                code = process.wait(timeout=0.2)
            except subprocess.TimeoutExpired:
                code = None
            if code is not None or time.monotonic() > deadline:
                pytest.fail(
                    f"{command[:3]} not ready (exit code {code}):\n{log_path.read_text()[-3000:]}"
                )
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def llama_server(model: Path, log_path: Path) -> Iterator[str]:
    """`python -m llama_cpp.server` on a free loopback port; yields its /v1 base URL."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(model),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_threads",
        "2",
        # With True, a second request silently truncates the first stream.
        "--interrupt_requests",
        "False",
    ]
    base_url = f"http://127.0.0.1:{port}/v1"
    with live_process(command, log_path, ready_url=f"{base_url}/models"):
        yield base_url
