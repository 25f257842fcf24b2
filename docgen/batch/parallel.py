"""Rendering a batch's documents on several cores, in forked worker processes.

Only for a process that is single-threaded when it forks, as the CLI is: a fork copies the
locks that other threads hold (the server's, the LibreOffice pool's, the job runner's) into a
child where no thread will ever release them. :func:`worker_count` therefore answers 1 (render
here, serially) whenever the process has another thread, or when the documents are too few to
repay the forks.

What crosses between the processes is small on the way out (a few indices: the children inherit
everything else through the fork) and the result on the way back. A worker whose render
raises makes the parent stop every worker and render what is left itself, in order, so that
the error raised is the one the serial path raises; a worker that dies raises
:class:`.errors.WorkerLost`. Workers ignore SIGINT: Ctrl-C interrupts the parent, which kills
them as it unwinds.
"""

from __future__ import annotations

import os
import signal
import threading
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from .errors import WorkerLost

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

Result = TypeVar("Result")

# Below this many documents for each worker, forking costs more than it saves: rendering only,
# from a fresh process, 2 workers took 0.98 of one process's time for 32 letters, 1.10 for 16,
# 0.78 for 64 and 0.68 for 256 (bench/batch_cores.py --break-even, median of 5, load 1.3 on
# the 2-core machine).
MIN_DOCUMENTS_PER_WORKER = 32
CHUNK = 4  # documents sent at once, and their results returned at once: fewer messages for this process
IN_FLIGHT = 2  # chunks queued ahead at each worker, so that none waits for the parent between chunks


def usable_cores() -> int:
    """The cores this process may run on: its affinity mask (taskset, a container's cpuset)."""
    return len(os.sched_getaffinity(0))


def worker_count(workers: int, documents: int) -> int:
    """How many processes should render ``documents`` when ``workers`` are offered: 1 (here,
    serially) when another thread runs in this process, else at most one worker for every
    :data:`MIN_DOCUMENTS_PER_WORKER` documents."""
    if workers <= 1 or threading.active_count() > 1:
        return 1
    return max(1, min(workers, documents // MIN_DOCUMENTS_PER_WORKER))


def render_forked(
    render: Callable[[int], Result],
    indices: list[int],
    workers: int,
    on_result: Callable[[int, Result], None],
) -> None:
    """Call ``render(index)`` for each of ``indices`` in ``workers`` forked processes, and
    ``on_result(index, result)`` in the calling thread as each result arrives (not in order).

    The first index is rendered here before forking, so that whatever a render prepares once
    (a template, a dictionary) is inherited by the workers instead of prepared by each."""
    if not indices:
        return
    first, rest = indices[0], indices[1:]
    on_result(first, render(first))
    delivered = {first}
    chunks = deque(rest[start:start + CHUNK] for start in range(0, len(rest), CHUNK))
    with _Crew(render, min(workers, len(chunks))) as crew:
        for connection in crew.connections:
            for _ in range(IN_FLIGHT):
                if chunks:
                    crew.send(connection, chunks.popleft())
        while len(delivered) < len(indices):
            connection, results, failed = crew.receive()
            for index, result in results:
                on_result(index, result)
                delivered.add(index)
            if failed:
                break
            if chunks:
                crew.send(connection, chunks.popleft())
    for index in indices:  # only after a worker's render raised: raise it here, as the serial path does
        if index not in delivered:
            on_result(index, render(index))


class _Crew:
    """The forked workers, each behind its own pipe; stopped (killed and reaped) on exit."""

    def __init__(self, render: Callable[[int], object], workers: int):
        import multiprocessing

        self._context = multiprocessing.get_context("fork")
        self._render = render
        self._workers = workers
        self._processes: dict[Connection, BaseProcess] = {}
        self._waiting: list[tuple[Connection, list[tuple[int, object]], bool]] = []

    @property
    def connections(self) -> list[Connection]:
        return list(self._processes)

    def __enter__(self) -> _Crew:
        try:
            for _ in range(self._workers):
                here, there = self._context.Pipe()
                process = self._context.Process(target=_serve, args=(there, self._render), daemon=True)
                # SIGINT held back while forking: Ctrl-C then is neither swallowed by the fork
                # handlers here nor delivered to the child before it ignores it, and every child
                # started is known to _stop.
                held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
                try:
                    process.start()
                    self._processes[here] = process
                    there.close()
                finally:
                    signal.pthread_sigmask(signal.SIG_SETMASK, held)
        except BaseException:
            self._stop()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop()

    def send(self, connection: Connection, chunk: list[int]) -> None:
        try:
            connection.send(chunk)
        except OSError:  # the worker is gone: say how it ended
            raise self._lost(connection) from None

    def receive(self) -> tuple[Connection, list[tuple[int, object]], bool]:
        """A chunk's results from any worker: (connection, [(index, result), …], failed); after a
        failed render, the results before it."""
        from multiprocessing.connection import wait

        if not self._waiting:
            for connection in wait(list(self._processes)):
                try:
                    results, failed = connection.recv()
                except (EOFError, OSError):
                    raise self._lost(connection) from None
                self._waiting.append((connection, results, failed))  # type: ignore[arg-type]
        return self._waiting.pop(0)

    def _lost(self, connection: Connection) -> WorkerLost:
        process = self._processes[connection]
        process.join(timeout=5)
        return WorkerLost(process.pid or 0, process.exitcode)

    def _stop(self) -> None:
        for connection, process in self._processes.items():
            connection.close()
            if process.is_alive():
                process.kill()
        for process in self._processes.values():
            process.join()


def _serve(connection: Connection, render: Callable[[int], object]) -> None:
    """A worker: render each chunk of indices sent until the parent closes the pipe. A render
    that raises is reported as failed after the chunk's results before it (the parent raises
    the error itself) and ends the worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    try:
        while True:
            results = []
            for index in connection.recv():
                try:
                    results.append((index, render(index)))
                except BaseException:
                    connection.send((results, True))
                    return
            connection.send((results, False))
    except (EOFError, OSError):  # the parent closed the pipe, or is gone
        return
