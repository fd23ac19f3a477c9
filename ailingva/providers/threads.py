"""Bridge a blocking generator running in a worker thread to an async iterator."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncGenerator, Callable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class _End:
    error: BaseException | None


@dataclass(frozen=True)
class _Item(Generic[T]):
    value: T


async def iterate_in_thread(
    produce: Callable[[threading.Event], Iterator[T]], *, name: str
) -> AsyncGenerator[T, None]:
    """Run `produce` in its own thread and yield its items on the event loop as they come.

    When the consumer stops early (barge-in, cancellation) the event passed to `produce` is set,
    so the generator can stop at its next item or finish quietly; items produced after that are
    dropped. An exception in the generator is re-raised to the consumer.
    """
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[_Item[T] | _End] = asyncio.Queue()
    stop = threading.Event()

    def put(message: _Item[T] | _End) -> None:
        if not stop.is_set():
            loop.call_soon_threadsafe(queue.put_nowait, message)

    def run() -> None:
        try:
            for item in produce(stop):
                put(_Item(item))
        except BaseException as exc:  # handed to the consumer and re-raised there
            put(_End(exc))
        else:
            put(_End(None))

    threading.Thread(target=run, name=name, daemon=True).start()
    try:
        while not isinstance(message := await queue.get(), _End):
            yield message.value
        if message.error is not None:
            raise message.error
    finally:
        stop.set()
