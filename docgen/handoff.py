"""Idle resources handed to their takers first come, first served (the PDF pool's idle workers).

``queue.Queue`` wakes one waiter when an item is put, but whoever asks first takes it: a thread
that has just given a worker back and asks again, or a caller that has just arrived, overtakes the
callers already waiting, and under load one of them can wait many conversions long. Here an item
given back goes straight to the longest waiter, which keeps its place however long it waits.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class _Turn(Generic[T]):
    def __init__(self) -> None:
        self.given = threading.Event()
        self.item: T | None = None


class Handoff(Generic[T]):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: deque[T] = deque()
        self._waiting: deque[_Turn[T]] = deque()

    def put(self, item: T) -> None:
        """Give ``item`` to the longest waiter, or keep it idle when nobody waits."""
        with self._lock:
            if self._waiting:
                turn = self._waiting.popleft()
                turn.item = item
                turn.given.set()
            else:
                self._idle.append(item)

    def take(self, check: Callable[[], float]) -> T:
        """The longest idle item, or the first one given back after the callers that waited
        before this one were served. ``check`` is called before waiting and again whenever the
        seconds it returned have passed; what it raises ends the wait (an item that came at that
        moment is passed on to the next waiter)."""
        wait = check()
        with self._lock:
            if self._idle:
                return self._idle.popleft()
            turn: _Turn[T] = _Turn()
            self._waiting.append(turn)
        try:
            while not turn.given.wait(wait):
                wait = check()
        except BaseException:
            with self._lock:
                if not turn.given.is_set():
                    self._waiting.remove(turn)
                    raise
            self.put(turn.item)  # type: ignore[arg-type]
            raise
        return turn.item  # type: ignore[return-value]

    def take_idle(self) -> T | None:
        """An idle item without waiting; None when there is none."""
        with self._lock:
            return self._idle.popleft() if self._idle else None

    def idle(self) -> int:
        return len(self._idle)

    def waiting(self) -> int:
        return len(self._waiting)
