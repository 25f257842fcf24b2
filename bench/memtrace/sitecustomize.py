"""Debug-only, for ``bench/rss.py --trace``: imported by a ``docgen serve`` started with this
directory on PYTHONPATH. It starts tracemalloc and dumps a snapshot to
``$DOCGEN_BENCH_MEMTRACE/<n>.snapshot`` on each SIGUSR2 sent to the web process (handled by its
main thread, between gunicorn's polls; gunicorn's worker sets its signals anew after the fork,
so the handler is set again after it does). Nothing of docgen itself knows of it.
"""

import itertools
import os
import signal
import tracemalloc

_directory = os.environ.get("DOCGEN_BENCH_MEMTRACE")
if _directory:
    tracemalloc.start(int(os.environ.get("DOCGEN_BENCH_MEMTRACE_FRAMES", "12")))
    _numbers = itertools.count(1)

    def _dump(*_: object) -> None:
        path = os.path.join(_directory, f"{next(_numbers)}.snapshot")
        tracemalloc.take_snapshot().dump(path + ".part")
        os.replace(path + ".part", path)

    signal.signal(signal.SIGUSR2, _dump)

    from gunicorn.workers.base import Worker

    _init_signals = Worker.init_signals

    def _with_dump(self: Worker) -> None:
        _init_signals(self)
        signal.signal(signal.SIGUSR2, _dump)

    Worker.init_signals = _with_dump
