"""The machine's own models serve one turn at a time: the turns of several students wait here,
first come first served, and each knows how many are in front of it.

One queue per process, like the models it guards (`local/loading.py`): every event loop of the
process (the app's, each test's) joins the same line.
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from dataclasses import dataclass, field


@dataclass(eq=False)
class Place:
    """A turn's place in the line; `ahead` is how many turns were in front when it joined."""

    ahead: int
    _line: ComputeQueue
    _loop: asyncio.AbstractEventLoop
    _served: asyncio.Future[None] = field(init=False)

    def __post_init__(self) -> None:
        self._served = self._loop.create_future()

    async def served(self) -> None:
        """Until every turn in front has left."""
        await asyncio.shield(self._served)

    def leave(self) -> None:
        """Done (or given up): the next turn in line goes. Safe to call more than once."""
        self._line.leave(self)

    def _serve(self) -> None:
        if not self._served.done():
            self._served.set_result(None)


class ComputeQueue:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._line: deque[Place] = deque()

    def join(self) -> Place:
        """A place at the end of the line (served at once when the line is empty)."""
        with self._lock:
            place = Place(len(self._line), self, asyncio.get_running_loop())
            self._line.append(place)
            if place.ahead == 0:
                place._serve()
            return place

    def leave(self, place: Place) -> None:
        with self._lock:
            if place not in self._line:
                return
            first = self._line[0] is place
            self._line.remove(place)
            while first and self._line:
                head = self._line[0]
                try:
                    head._loop.call_soon_threadsafe(head._serve)
                    return
                except RuntimeError:  # its event loop has closed: nobody waits there
                    self._line.popleft()

    @property
    def waiting(self) -> int:
        """Turns in line, the one being served included."""
        return len(self._line)


# The line for this process's local models.
LOCAL_COMPUTE = ComputeQueue()
