"""The flood limit counts the client's pace, not the server's: frames that waited in the socket
while the server was busy are not a flood."""

from __future__ import annotations

import time
from typing import Any

import pytest

from ailingva.voice.transport import Transport


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(time, "monotonic", clock)
    return clock


def _transport() -> Transport:
    socket: Any = object()
    return Transport(socket, idle_seconds=30, max_messages_per_second=100, max_protocol_errors=20)


def _read(transport: Transport, clock: Clock, frames: int, every: float) -> bool:
    """Whether reading `frames` messages, `every` seconds apart, was taken for a flood."""
    for _ in range(frames):
        clock.now += every
        if transport._flooding():
            return True
    return False


def test_a_steady_microphone_is_never_a_flood(clock: Clock) -> None:
    assert not _read(_transport(), clock, 50 * 60, 0.02)


def test_the_backlog_of_a_server_stall_is_not_a_flood(clock: Clock) -> None:
    transport = _transport()
    assert not _read(transport, clock, 50, 0.02)
    clock.now += 11  # the server did not read for 11 s; 550 frames waited in the socket
    assert not _read(transport, clock, 550, 0.0001)
    assert not _read(transport, clock, 50 * 10, 0.02)  # and the microphone goes on


def test_a_client_firing_far_faster_is_a_flood(clock: Clock) -> None:
    assert _read(_transport(), clock, 1000, 0.0001)


def test_a_stall_buys_no_more_than_its_own_backlog(clock: Clock) -> None:
    transport = _transport()
    clock.now += 5
    assert _read(transport, clock, 5000, 0.0001)
