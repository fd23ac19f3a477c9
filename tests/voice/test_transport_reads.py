"""The socket's reads: the idle deadline (one timer per session, not a timeout per frame) and
the cutting of audio into 20 ms frames."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from ailingva.voice.transport import Transport
from ailingva.voice.turns import FRAME_BYTES, FrameBuffer


class Socket:
    """Gives the frames it holds, `every` seconds apart, then nothing: a silent client."""

    def __init__(self, frames: int, every: float = 0.0) -> None:
        self.frames = frames
        self.every = every
        self.sent: list[str] = []

    async def receive(self) -> dict[str, Any]:
        if not self.frames:
            await asyncio.Event().wait()  # the client sends nothing more
        self.frames -= 1
        await asyncio.sleep(self.every)
        return {"type": "websocket.receive", "bytes": b"\0" * FRAME_BYTES}

    async def send_text(self, text: str) -> None:
        self.sent.append(text)


def _transport(socket: Socket, idle_seconds: float) -> Transport:
    return Transport(
        socket,  # type: ignore[arg-type]
        idle_seconds=idle_seconds,
        max_messages_per_second=1000,
        max_protocol_errors=20,
    )


async def _read_all(transport: Transport) -> int:
    async def read() -> int:
        frames = 0
        while await transport.next_message() is not None:
            frames += 1
        return frames

    return await asyncio.wait_for(read(), 10)  # a session never told it is idle fails here


async def test_a_silent_client_is_idle_and_told_so() -> None:
    socket = Socket(frames=3)
    transport = _transport(socket, idle_seconds=0.05)

    assert await _read_all(transport) == 3
    assert transport.ended_by == "idle"
    assert len(socket.sent) == 1 and '"code":"idle"' in socket.sent[0]
    assert transport._idle_timer is None  # nothing left running for the ended session


async def test_audio_moves_the_idle_deadline() -> None:
    """15 frames 0.05 s apart: 0.75 s of audio outlives an idle limit of 0.5 s."""
    transport = _transport(Socket(frames=15, every=0.05), idle_seconds=0.5)

    assert await _read_all(transport) == 15
    assert transport.ended_by == "idle"


async def test_a_read_cancelled_from_outside_is_not_taken_for_idle() -> None:
    """The meter ends a session by cancelling its loop: that cancellation goes through."""
    transport = _transport(Socket(frames=0), idle_seconds=30)
    reading = asyncio.create_task(transport.next_message())
    await asyncio.sleep(0)
    reading.cancel()

    with pytest.raises(asyncio.CancelledError):
        await reading
    assert transport.ended_by is None


@pytest.mark.parametrize(
    "sizes",
    [
        [FRAME_BYTES] * 3,  # what a client sends
        [FRAME_BYTES * 3],  # merged
        [100, FRAME_BYTES, FRAME_BYTES * 2 - 100],  # split across messages
        [FRAME_BYTES // 2] * 6,
    ],
)
def test_audio_is_cut_into_whole_frames_in_order(sizes: list[int]) -> None:
    audio = bytes(range(256)) * (FRAME_BYTES * 3 // 256 + 1)
    audio = audio[: FRAME_BYTES * 3]
    buffer, frames, at = FrameBuffer(), [], 0
    for size in sizes:
        frames += buffer.push(audio[at : at + size])
        at += size

    assert frames == [audio[i : i + FRAME_BYTES] for i in range(0, len(audio), FRAME_BYTES)]
    assert buffer.push(b"") == []
