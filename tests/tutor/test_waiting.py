"""Several students at once on the machine's own model: their turns wait in line, are answered
in the order they came, none is dropped, and a waiting turn says so (typed: an NDJSON
`waiting` line; voice: a `waiting` event)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, cast

from fastapi.testclient import TestClient

from ailingva.auth.models import SESSION_COOKIE
from ailingva.providers.base import Capabilities
from ailingva.providers.compute import LOCAL_COMPUTE, ComputeQueue, Place
from ailingva.providers.registry import ProviderRegistry
from ailingva.providers.settings import ProviderSettings
from ailingva.voice.partials import PartialTranscripts
from ailingva.voice.prompt import LessonPrompt
from ailingva.voice.transport import Transport
from tests.conftest import register, wait_until
from tests.tutor.conftest import RecordingLLM
from tests.voice.test_ws import receive_until, start


class LocalLLM(RecordingLLM):
    """The fake model, as if it ran on this machine."""

    capabilities = Capabilities(streaming=True, local=True)


def _hold(client: TestClient) -> Place:
    """A place at the head of the line, on the app's event loop: the app's turns wait."""

    async def join() -> Place:
        return LOCAL_COMPUTE.join()

    assert client.portal is not None
    return client.portal.call(join)


def _in_line(count: int) -> bool:
    return LOCAL_COMPUTE.waiting == count


def _lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line]


async def test_the_line_serves_in_order_and_a_place_given_up_blocks_nobody() -> None:
    line = ComputeQueue()
    first, second, third = line.join(), line.join(), line.join()
    assert [first.ahead, second.ahead, third.ahead] == [0, 1, 2]
    waiting = asyncio.create_task(third.served())
    await first.served()
    second.leave()  # gave up before its turn (the student spoke on)
    assert not waiting.done()
    first.leave()
    await waiting
    first.leave()  # twice is harmless
    assert line.waiting == 1


def test_typed_turns_of_four_students_wait_are_answered_in_order_and_none_is_dropped(
    client: TestClient, use_providers: Callable[..., Any]
) -> None:
    llm = LocalLLM()
    use_providers(llm=llm)
    cookies = []
    for _ in range(4):  # four students; one client (one event loop), a cookie each
        client.cookies.clear()
        register(client)
        cookies.append({"Cookie": f"{SESSION_COOKIE}={client.cookies[SESSION_COOKIE]}"})
    client.cookies.clear()
    held = _hold(client)
    answers = []
    with ThreadPoolExecutor(len(cookies)) as pool:
        for index, cookie in enumerate(cookies):
            body = {"text": f"Message number {index}."}
            url = "/api/tutor/message/stream"
            answers.append(pool.submit(client.post, url, json=body, headers=cookie))
            wait_until(partial(_in_line, index + 2), timeout=30, what="in line")
        held.leave()
        streams = [_lines(answer.result().text) for answer in answers]
    for index, events in enumerate(streams):
        kinds = [e["type"] for e in events]
        assert kinds[:2] == ["lesson", "waiting"] and kinds[-1] == "done", kinds
        assert events[1]["ahead"] == index + 1
    asked = [prompt[-1].content for prompt in llm.prompts]
    assert [next(i for i in range(4) if f"number {i}" in text) for text in asked] == [0, 1, 2, 3]
    assert LOCAL_COMPUTE.waiting == 0


def test_a_waiting_voice_turn_says_so_then_is_answered(
    client: TestClient, use_providers: Callable[..., Any]
) -> None:
    use_providers(llm=LocalLLM())
    register(client)
    held = _hold(client)
    try:
        with client.websocket_connect("/ws/voice") as ws:
            start(ws, speak=False)
            ws.send_json({"type": "text", "text": "I am agree with you."})
            assert receive_until(ws, "waiting")["ahead"] == 1
            held.leave()
            events: list[dict[str, Any]] = []
            receive_until(ws, "turn_completed", events)
            assert events[0]["type"] == "corrections"  # the turn went on where it waited
    finally:
        held.leave()


async def test_no_preview_is_heard_while_the_machine_answers_a_turn() -> None:
    registry = ProviderRegistry(ProviderSettings(stt_provider="fake", llm_provider="fake"))
    partials = PartialTranscripts(registry, cast(Transport, None), every_ms=100)
    held = LOCAL_COMPUTE.join()
    try:
        partials.hear(cast(LessonPrompt, None), 500, lambda: b"\x00\x00" * 8000)
        assert partials.task is None
    finally:
        held.leave()
    partials.hear(cast(LessonPrompt, None), 500, lambda: b"\x00\x00" * 8000)
    assert partials.task is not None  # once the line is empty, the preview runs again
    await partials.stop()
