"""Helpers to swap the app's providers for scripted ones inside a test."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Sequence
from dataclasses import replace

import pytest
from fastapi import FastAPI

from ailingva.providers.base import ChatMessage
from ailingva.providers.fake import FAKE_REPLY, FakeLLM
from ailingva.providers.registry import ProviderRegistry, Providers

# What the fake model always answers, and a sentence with one mistake the grammar check finds.
REPLY = "".join(FAKE_REPLY)
MISTAKE = "Yesterday I goed to the park."


class RecordingLLM(FakeLLM):
    """The fake model, remembering each prompt it was given."""

    def __init__(self) -> None:
        super().__init__()
        self.prompts: list[list[ChatMessage]] = []
        self.stops: list[tuple[str, ...]] = []

    def stream_chat(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int = 256,
        temperature: float = 0.7,
        stop: Sequence[str] = (),
    ) -> AsyncGenerator[str, None]:
        self.prompts.append(list(messages))
        self.stops.append(tuple(stop))
        return super().stream_chat(
            messages, max_tokens=max_tokens, temperature=temperature, stop=stop
        )


@pytest.fixture
def use_providers(app: FastAPI) -> Callable[..., Providers]:
    """Replace some of the running app's providers (call after the client has started)."""

    def swap(**engines: object) -> Providers:
        registry: ProviderRegistry = app.state.providers
        new = replace(registry.current, **engines)  # type: ignore[arg-type]
        registry.use(new)
        return new

    return swap
