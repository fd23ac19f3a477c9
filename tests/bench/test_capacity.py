"""bench/capacity.py against the real app (fake providers) and its sink, one tiny step."""

from __future__ import annotations

import math

from bench import capacity


async def test_one_step_gives_a_row_per_server_and_loses_no_session() -> None:
    rows = await capacity.bench(capacity.parse(["--sessions", "2", "--seconds", "2"]))

    assert [(row.server, row.sessions, row.lost) for row in rows] == [("app", 2, 0), ("sink", 2, 0)]
    assert all(not math.isnan(row.p99_ms) and row.cpu_percent >= 0 for row in rows)
