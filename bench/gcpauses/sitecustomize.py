"""Bench-only, for ``bench/gc_pauses.py``: imported by a ``docgen serve`` started with this
directory on PYTHONPATH. It times every garbage collection (``gc.callbacks``) and appends one
line per collection, ``{"at": wall-clock seconds, "generation": n, "ms": duration}``, to
``$DOCGEN_BENCH_GC/<pid>.jsonl``, written by a thread every half second (in each process: a web
process forked by gunicorn starts its own). Nothing of docgen itself knows of it.
"""

import gc
import json
import os
import threading
import time

_directory = os.environ.get("DOCGEN_BENCH_GC")
if _directory:
    _pending: list[dict] = []
    _began: list[float] = []

    def _time(phase: str, info: dict) -> None:
        if phase == "start":
            _began[:] = [time.perf_counter()]
        elif _began:
            _pending.append({"at": time.time(), "generation": info["generation"],
                             "ms": 1000 * (time.perf_counter() - _began[0])})

    def _write() -> None:
        while True:
            time.sleep(0.5)
            taken = _pending[:]
            del _pending[:len(taken)]
            if taken:
                with open(os.path.join(_directory, f"{os.getpid()}.jsonl"), "a") as out:
                    out.writelines(json.dumps(record) + "\n" for record in taken)

    def _start() -> None:
        _pending.clear()
        threading.Thread(target=_write, name="bench-gc-pauses", daemon=True).start()

    gc.callbacks.append(_time)
    _start()
    os.register_at_fork(after_in_child=_start)
