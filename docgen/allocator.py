"""glibc's allocator, held to the memory a long-running server process uses.

glibc gives each thread that allocates while another holds the lock an arena of its own, up to
eight per core, and keeps what is freed in each for later. A web process serves a request on any
of its threads, and a render's XML trees (lxml) and buffers are large blocks allocated on that
thread and freed at its end: over thousands of requests every arena holds the high-water mark of
the requests it served, and the process grows with the number of threads, not with its work.
Measured in one process rendering reply letters on 8 threads, 100 each: 161 MB after them; with
two arenas, 151 MB; with two arenas and their free pages handed back, 106 MB.

:func:`limit_arenas` bounds the arenas, :func:`release_free_memory` hands the free pages back,
and :func:`hold_down` does both for a server process. Elsewhere than on glibc they do nothing.
"""

from __future__ import annotations

import ctypes
import os
import platform
import threading
import time
from functools import cache

_M_ARENA_MAX = -8  # mallopt's parameter, from glibc's malloc.h
TRIMMING_THREAD = "docgen-malloc-trim"


@cache
def _glibc() -> ctypes.CDLL | None:
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return None
    return ctypes.CDLL("libc.so.6", use_errno=True)


def limit_arenas(count: int = 2) -> bool:
    """Let the threads share ``count`` malloc arenas; called before the process starts its
    threads, as the arenas already made stay. True if the allocator took the setting."""
    libc = _glibc()
    return libc is not None and libc.mallopt(_M_ARENA_MAX, count) == 1


def release_free_memory() -> None:
    """Return the free pages of every arena to the system (``malloc_trim``)."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


def hold_down(every: float = 1.0) -> None:
    """For a server process, before it starts its threads: two arenas, and a thread that hands
    their free pages back every ``every`` seconds (the first time some 20 ms after a burst,
    then a fraction of a millisecond; the GIL is not held meanwhile). A worker process forked
    from it afterwards starts a thread of its own, as threads do not survive a fork."""
    if not limit_arenas(2):
        return

    def trim() -> None:
        while True:
            time.sleep(every)
            release_free_memory()

    def start_trimming() -> None:
        threading.Thread(target=trim, name=TRIMMING_THREAD, daemon=True).start()

    start_trimming()
    os.register_at_fork(after_in_child=start_trimming)
