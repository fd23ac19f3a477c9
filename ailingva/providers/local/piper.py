"""English speech with Piper, served by one warm worker process per voice (see piper_worker)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
from collections.abc import AsyncGenerator, Iterator
from contextlib import aclosing
from pathlib import Path
from typing import IO

from ailingva.providers.base import (
    AudioChunk,
    Capabilities,
    ProviderError,
    ProviderErrorCode,
    TextToSpeechEngine,
    Voice,
)
from ailingva.providers.local import piper_worker
from ailingva.providers.local.loading import load_verified, model_spec
from ailingva.providers.threads import iterate_in_thread


class PiperProcess:
    """The worker process of one voice; requests are served one at a time, in order.

    Blocking pipes read from threads rather than asyncio subprocess pipes, so one warm process
    serves every event loop of the process (the app's, each test's).
    """

    def __init__(self, model: Path, config: Path, *, threads: int, provider: str) -> None:
        # -P: the script's own directory must not shadow the `piper` package with our piper.py.
        self._command = [
            *(sys.executable, "-P", piper_worker.__file__),
            *(str(model), str(config), str(threads)),
        ]
        self._provider = provider
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._sample_rate = 0

    def speak(self, text: str, stop: threading.Event) -> Iterator[AudioChunk]:
        """Yield the audio of `text`; after `stop` is set, read the rest quietly to its end."""
        error = None
        with self._lock:
            process, stdin, stdout = self._running()
            try:
                stdin.write(json.dumps({"text": text}).encode() + b"\n")
                stdin.flush()
                while True:
                    kind, payload = self._read_frame(stdout)
                    if kind == piper_worker.END:
                        break
                    if kind == piper_worker.ERROR:
                        error = payload.decode(errors="replace")
                    elif not stop.is_set():
                        yield AudioChunk(payload, self._sample_rate)
            except (OSError, EOFError) as exc:
                process.kill()
                self._process = None
                raise self._died(exc) from exc
        if error is not None:
            raise ProviderError(ProviderErrorCode.ENGINE_FAILED, error, provider=self._provider)

    def start(self) -> None:
        with self._lock:
            self._running()

    def close(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.stdin is not None:
            process.stdin.close()  # the worker ends when its input ends
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()

    def _running(self) -> tuple[subprocess.Popen[bytes], IO[bytes], IO[bytes]]:
        if self._process is None or self._process.poll() is not None:
            # Its own session: a Ctrl-C in the terminal stops the app, which then closes stdin.
            self._process = subprocess.Popen(  # noqa: S603 - our own script, fixed arguments
                self._command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                start_new_session=True,
            )
            assert self._process.stdout is not None
            try:
                kind, payload = self._read_frame(self._process.stdout)
                if kind != piper_worker.READY:
                    raise EOFError(f"a {kind!r} frame instead of READY")
            except EOFError as exc:
                self._process.kill()
                self._process = None
                raise self._died(exc) from exc
            self._sample_rate = int(json.loads(payload)["sample_rate"])
        assert self._process.stdin is not None and self._process.stdout is not None
        return self._process, self._process.stdin, self._process.stdout

    def _died(self, exc: BaseException) -> ProviderError:
        return ProviderError(
            ProviderErrorCode.UNAVAILABLE,
            f"the Piper process stopped ({exc!r}); see its stderr",
            provider=self._provider,
            retryable=True,
        )

    @staticmethod
    def _read_frame(stdout: IO[bytes]) -> tuple[bytes, bytes]:
        header = stdout.read(piper_worker.HEADER.size)
        if len(header) < piper_worker.HEADER.size:
            raise EOFError("end of the worker's output")
        kind, length = piper_worker.HEADER.unpack(header)
        payload = stdout.read(length)
        if len(payload) < length:
            raise EOFError("the worker's output ended inside a frame")
        return kind, payload


class PiperTTS(TextToSpeechEngine):
    def __init__(self, voice: str, models_dir: Path, *, threads: int = 2) -> None:
        self.name = f"local:{voice}"
        self._spec = model_spec(voice, "tts", provider=self.name)
        self._models_dir = models_dir
        self._threads = threads
        self._worker: PiperProcess | None = None
        self.capabilities = Capabilities.speaking(
            (Voice(voice, self._spec.languages),), streaming=True, local=True
        )

    async def _synthesize(
        self, text: str, *, voice: str, language: str
    ) -> AsyncGenerator[AudioChunk, None]:
        process = await asyncio.to_thread(self._process)
        speech = iterate_in_thread(lambda stop: process.speak(text, stop), name="piper-speak")
        async with aclosing(speech):
            async for chunk in speech:
                yield chunk

    async def warm_up(self) -> None:
        process = await asyncio.to_thread(self._process)
        await asyncio.to_thread(process.start)

    async def aclose(self) -> None:
        # The process is shared by every PiperTTS of this voice; it restarts on the next use.
        if self._worker is not None:
            await asyncio.to_thread(self._worker.close)

    def _process(self) -> PiperProcess:
        self._worker = load_verified(
            self._spec, self._models_dir, self._new_process, self._threads, provider=self.name
        )
        return self._worker

    def _new_process(self) -> PiperProcess:
        model, config = (self._spec.directory(self._models_dir) / f.path for f in self._spec.files)
        return PiperProcess(model, config, threads=self._threads, provider=self.name)
