"""Offline language model: a GGUF model run by llama.cpp (llama-cpp-python) on the CPU."""

from __future__ import annotations

import asyncio
import atexit
import threading
from collections.abc import AsyncGenerator, Iterator, Sequence
from contextlib import aclosing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from ailingva.providers.base import (
    Capabilities,
    ChatMessage,
    JsonSchema,
    LanguageModelEngine,
    ProviderError,
    ProviderErrorCode,
)
from ailingva.providers.local.loading import load_verified, model_spec
from ailingva.providers.threads import iterate_in_thread

if TYPE_CHECKING:
    from llama_cpp import (
        ChatCompletionRequestMessage,
        ChatCompletionRequestResponseFormat,
        CreateChatCompletionResponse,
        CreateChatCompletionStreamResponse,
        Llama,
    )


def _request(messages: Sequence[ChatMessage]) -> list[ChatCompletionRequestMessage]:
    return [
        cast("ChatCompletionRequestMessage", {"role": m.role, "content": m.content})
        for m in messages
    ]


@dataclass(frozen=True)
class _LoadedModel:
    llama: Llama
    # A llama.cpp context serves one generation at a time; concurrent turns wait their turn.
    lock: threading.Lock


class LlamaCppLLM(LanguageModelEngine):
    def __init__(
        self, model: str, models_dir: Path, *, n_threads: int = 2, n_ctx: int = 4096
    ) -> None:
        self.name = f"local:{model}"
        self._spec = model_spec(model, "llm", provider=self.name)
        self._models_dir = models_dir
        self._n_threads = n_threads
        self._n_ctx = n_ctx
        self.capabilities = Capabilities(streaming=True, local=True)

    async def _generate(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int,
        temperature: float,
        stop: tuple[str, ...],
    ) -> AsyncGenerator[str, None]:
        request = _request(messages)
        stops = list(stop) or None

        def generate(cancelled: threading.Event) -> Iterator[str]:
            loaded = self._model()
            with loaded.lock:
                chunks = cast(
                    "Iterator[CreateChatCompletionStreamResponse]",
                    loaded.llama.create_chat_completion(
                        request,
                        max_tokens=max_tokens,
                        temperature=temperature,
                        stop=stops,
                        stream=True,
                    ),
                )
                for chunk in chunks:
                    if cancelled.is_set():  # the listener went away (barge-in): free the model
                        return
                    delta = cast("str | None", chunk["choices"][0]["delta"].get("content"))
                    if delta:
                        yield delta

        try:
            async with aclosing(iterate_in_thread(generate, name="llama-generate")) as deltas:
                async for delta in deltas:
                    yield delta
        except ValueError as exc:  # llama.cpp's answer to a prompt longer than the context
            raise ProviderError(ProviderErrorCode.BAD_INPUT, str(exc), provider=self.name) from exc

    async def _generate_json(
        self, messages: Sequence[ChatMessage], schema: JsonSchema, *, max_tokens: int
    ) -> str:
        """Constrained decoding: llama.cpp turns `schema` into a grammar that only the tokens of
        a fitting JSON value pass, so the reply parses (unless cut at `max_tokens`)."""
        request = _request(messages)
        response_format = cast(
            "ChatCompletionRequestResponseFormat", {"type": "json_object", "schema": dict(schema)}
        )

        def generate() -> str:
            loaded = self._model()
            with loaded.lock:
                reply = cast(
                    "CreateChatCompletionResponse",
                    loaded.llama.create_chat_completion(
                        request,
                        max_tokens=max_tokens,
                        temperature=0.0,
                        response_format=response_format,
                    ),
                )
            return reply["choices"][0]["message"]["content"] or ""

        try:
            return await asyncio.to_thread(generate)
        except ValueError as exc:  # the prompt is longer than the context
            raise ProviderError(ProviderErrorCode.BAD_INPUT, str(exc), provider=self.name) from exc

    async def prefill(self, messages: Sequence[ChatMessage]) -> None:
        """Evaluate the prompt (one token generated): llama.cpp reuses the longest prefix a new
        prompt shares with the last one, so the next turn skips reading the system prompt."""
        async for _ in self.stream_chat(messages, max_tokens=1):
            pass

    async def warm_up(self) -> None:
        await asyncio.to_thread(self._model)

    def _model(self) -> _LoadedModel:
        return load_verified(
            self._spec,
            self._models_dir,
            self._load,
            self._n_ctx,
            self._n_threads,
            provider=self.name,
        )

    def _load(self) -> _LoadedModel:
        from llama_cpp import Llama

        llama = Llama(
            model_path=str(self._spec.main_file(self._models_dir)),
            n_ctx=self._n_ctx,
            n_threads=self._n_threads,
            verbose=False,
        )
        # Free it before interpreter teardown: Llama.__del__ then fails noisily.
        atexit.register(llama.close)
        return _LoadedModel(llama, threading.Lock())
