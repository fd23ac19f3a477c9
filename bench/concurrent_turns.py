"""End of speech -> first tutor audio when 1, 2 and 4 students speak at the same moment, with
the machine's own models (they answer one turn at a time: the others wait in line).

    .venv/bin/python bench/concurrent_turns.py [--url URL] [--students 1,2,4] [--rounds 3]

Without --url it starts a server with the default local models (bench/voice_latency.py's). Each
round, every student's session streams one of Piper's learner sentences at real-time pace, all
starting together; a turn counts as dropped when it ends without audio. Prints p50 and p95 per
number of students, how many turns waited in line, and the order the turns were answered in.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import websockets

from bench.capacity import register
from bench.voice_latency import (
    Clip,
    TurnResult,
    local_server,
    one_turn,
    percentile,
    speech_from_piper,
)


@dataclass
class Step:
    students: int
    latencies_ms: list[float] = field(default_factory=list)
    dropped: int = 0
    timed_out: int = 0
    waited: int = 0
    turns: int = 0


class Watched:
    """A session's socket, noting each `waiting` event on the way to `one_turn`."""

    def __init__(self, ws: websockets.ClientConnection) -> None:
        self.ws = ws
        self.waited = 0

    async def send(self, message: str | bytes) -> None:
        await self.ws.send(message)

    def __aiter__(self) -> Watched:
        return self

    async def __anext__(self) -> str | bytes:
        message = await self.ws.recv()
        if isinstance(message, str) and json.loads(message)["type"] == "waiting":
            self.waited += 1
        return message


# Silence streamed after an answer before the next turn (as bench/voice_latency.py's turns).
GAP_S = 1.5


async def timed(session: Watched, clip: Clip) -> TurnResult | None:
    """The turn, or None when it took longer than voice_latency's limit."""
    try:
        return await one_turn(session, clip, f"{id(session)}", GAP_S)
    except TimeoutError:
        return None


async def run_step(url: str, tokens: list[str], speech: list[Clip], rounds: int) -> Step:
    step = Step(len(tokens))
    async with contextlib.AsyncExitStack() as stack:
        sessions = []
        for token in tokens:
            ws_url = url.replace("http", "ws", 1) + f"/ws/voice?access_token={token}"
            ws = await stack.enter_async_context(websockets.connect(ws_url, max_size=None))
            await ws.send(json.dumps({"type": "start"}))
            while json.loads(await ws.recv())["type"] != "session_started":
                pass
            sessions.append(Watched(ws))
        for round_ in range(rounds):
            clips = [speech[(round_ + i) % len(speech)] for i in range(len(sessions))]
            results: list[TurnResult | None] = await asyncio.gather(
                *(timed(session, clip) for session, clip in zip(sessions, clips, strict=True))
            )
            for result in results:
                step.turns += 1
                if result is None:
                    step.timed_out += 1
                elif result.end_to_first_audio_ms is None:
                    step.dropped += 1
                else:
                    step.latencies_ms.append(result.end_to_first_audio_ms)
            print(
                f"  {len(sessions)} students, round {round_ + 1}: "
                + ", ".join(
                    "timed out"
                    if r is None
                    else f"{r.end_to_first_audio_ms:.0f} ms"
                    if r.end_to_first_audio_ms
                    else "dropped"
                    for r in results
                ),
                flush=True,
            )
        for session in sessions:
            step.waited += session.waited
            await session.send(json.dumps({"type": "stop"}))
    return step


async def bench(url: str, students: Sequence[int], rounds: int) -> list[Step]:
    speech = await speech_from_piper()
    tokens = await register(url, max(students))
    steps = [await run_step(url, tokens[:count], speech, rounds) for count in students]
    print(f"\nload average {', '.join(f'{n:.2f}' for n in os.getloadavg())}")
    print(
        f"{'students':>8} {'turns':>6} {'p50 ms':>8} {'p95 ms':>8} {'waited':>7} {'dropped':>8}"
        f" {'> 120 s':>8}"
    )
    for step in steps:
        print(
            f"{step.students:>8} {step.turns:>6} {percentile(step.latencies_ms, 50):>8.0f}"
            f" {percentile(step.latencies_ms, 95):>8.0f} {step.waited:>7} {step.dropped:>8}"
            f" {step.timed_out:>8}"
        )
    return steps


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", help="a running server (default: start one with local models)")
    parser.add_argument(
        "--students",
        default="1,2,4",
        type=lambda value: [int(n) for n in value.split(",")],
        help="students speaking at once, per step",
    )
    parser.add_argument("--rounds", type=int, default=3, help="turns each student takes per step")
    args = parser.parse_args(argv)
    with contextlib.ExitStack() as stack:
        url = args.url or stack.enter_context(local_server({}))
        start = time.monotonic()
        asyncio.run(bench(url, args.students, args.rounds))
        print(f"({time.monotonic() - start:.0f} s)")


if __name__ == "__main__":
    main()
