"""Requests spread over gunicorn's web processes: each new connection goes to the least busy one.

The web processes take new connections from one listening socket. Left to the kernel, the
connection goes to whichever process's poller wakes first, busy or not, and a kept-alive
connection then stays with the process that took it. With 16 kept-alive clients on two
processes, the clients of the busier process of the moment were seen waiting 2.5 times as long
as the other's (a median of 40 ms against 16), and the p99 of the whole load followed them.

So the processes publish their requests in flight in one shared table, made by the master before
it forks (an anonymous shared memory map, one integer per process; no lock, since each process
writes only its own slot, and a value read one step stale only delays one decision):

- a process listens for new connections only while no other process has fewer requests in
  flight, so a new connection is taken by a least busy process;
- a process answers ``Connection: close`` once it holds :data:`IMBALANCE` or more requests in
  flight than the least busy other process, so that the client's next connection is taken by
  that one. The client knows before it sends another request, so no request is lost.

A request counts from the moment its process takes it up (a new connection, or a kept-alive one
that became readable) until the process's main thread sees its answer sent (a loaded machine
may delay that a little), so idle kept-alive connections weigh nothing.
How the web processes apply the table is in docgen/server.py (``_WebWorker``).
"""

from __future__ import annotations

import mmap
from collections.abc import Iterable

IMBALANCE = 2  # requests in flight beyond the least busy process that make a process hand a client on
VACANT = -1  # a slot held by no live process
_INT = 4  # bytes of one slot (a C int)


class LoadTable:
    """Each web process's requests in flight, in shared memory, a slot per process.

    Made in gunicorn's master before it forks, so that every web process maps the same pages.
    Slots are twice the processes, for the moments when gunicorn runs more (a reload starts the
    new processes before it stops the old); a process that finds none free takes no part, and
    takes connections as gunicorn alone would.
    """

    def __init__(self, processes: int):
        self.slots = 2 * processes
        self._memory = mmap.mmap(-1, _INT * self.slots)  # anonymous and shared with forked children
        self._loads = memoryview(self._memory).cast("i")
        for slot in range(self.slots):
            self._loads[slot] = VACANT

    def claim(self, taken: Iterable[int | None]) -> int | None:
        """A slot not among ``taken`` (those of the live processes), or None if all are."""
        busy = set(taken)
        return next((slot for slot in range(self.slots) if slot not in busy), None)

    def publish(self, slot: int, in_flight: int) -> None:
        self._loads[slot] = in_flight

    def vacate(self, slot: int) -> None:
        self._loads[slot] = VACANT

    def least_of_others(self, slot: int) -> int | None:
        """The fewest requests in flight of any other live process, or None if there is none."""
        others = [load for index, load in enumerate(self._loads) if index != slot and load != VACANT]
        return min(others, default=None)

    def may_take_connections(self, slot: int, in_flight: int) -> bool:
        least = self.least_of_others(slot)
        return least is None or in_flight <= least

    def should_hand_on(self, slot: int, in_flight: int) -> bool:
        least = self.least_of_others(slot)
        return least is not None and in_flight >= least + IMBALANCE
