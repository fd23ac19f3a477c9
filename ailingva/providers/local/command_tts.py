"""Speech from a command that reads text on stdin and writes WAV on stdout (espeak-ng, festival).

Used for the Russian phrases of the tutor's explanations: no Russian Piper voice installs from
the registries. Both engines are GPL programs and run as their own processes.
"""

from __future__ import annotations

import asyncio
import shutil
import struct
from collections.abc import AsyncGenerator
from dataclasses import dataclass

from ailingva.providers.audio import chunk_from_wav
from ailingva.providers.base import (
    AudioChunk,
    Capabilities,
    ProviderError,
    ProviderErrorCode,
    TextToSpeechEngine,
    Voice,
)


@dataclass(frozen=True)
class SpeechCommand:
    voice: Voice
    argv: tuple[str, ...]
    package: str  # the Debian package that provides it, for the error message


COMMANDS = {
    "espeak-ru": SpeechCommand(
        Voice("espeak-ru", ("ru",)), ("espeak-ng", "-v", "ru", "--stdout", "--stdin"), "espeak-ng"
    ),
    "festival-ru": SpeechCommand(
        Voice("festival-ru", ("ru",)),
        ("text2wave", "-eval", "(voice_msu_ru_nsh_clunits)", "-o", "-"),
        "festival festvox-ru",
    ),
}


class CommandTTS(TextToSpeechEngine):
    def __init__(self, voice: str, *, timeout: float = 30.0) -> None:
        self.name = f"local:{voice}"
        if voice not in COMMANDS:
            raise ProviderError(
                ProviderErrorCode.NOT_CONFIGURED,
                f"unknown voice {voice!r}; known: {', '.join(COMMANDS)}",
                provider=self.name,
            )
        self._command = COMMANDS[voice]
        self._timeout = timeout
        self.capabilities = Capabilities.speaking(
            (self._command.voice,), streaming=False, local=True
        )

    async def _synthesize(
        self, text: str, *, voice: str, language: str
    ) -> AsyncGenerator[AudioChunk, None]:
        yield await self._run(text)

    async def _run(self, text: str) -> AudioChunk:
        argv = self._command.argv
        if shutil.which(argv[0]) is None:
            raise ProviderError(
                ProviderErrorCode.NOT_CONFIGURED,
                f"{argv[0]} is not installed (apt-get install {self._command.package})",
                provider=self.name,
            )
        process = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            # Text goes through stdin, never argv: a phrase starting with "-" is not an option.
            out, err = await asyncio.wait_for(process.communicate(text.encode()), self._timeout)
        except TimeoutError as exc:
            raise ProviderError(
                ProviderErrorCode.TIMEOUT,
                f"{argv[0]} took over {self._timeout} s",
                provider=self.name,
                retryable=True,
            ) from exc
        finally:
            if process.returncode is None:  # timed out or cancelled (barge-in)
                process.kill()
                await process.wait()
        if process.returncode != 0:
            raise ProviderError(
                ProviderErrorCode.ENGINE_FAILED,
                f"{argv[0]} exited with {process.returncode}: {err.decode()[-500:]}",
                provider=self.name,
            )
        try:
            return chunk_from_wav(out)
        except (ValueError, struct.error) as exc:
            raise ProviderError(
                ProviderErrorCode.ENGINE_FAILED,
                f"bad WAV from {argv[0]}: {exc}",
                provider=self.name,
            ) from exc
