"""Benchmark (not a test): the garbage collector's pauses in a real ``docgen serve`` under the load
of bench/http_docx.py (16 wrk clients posting the one-page reply letter for .docx).

    .venv/bin/python bench/gc_pauses.py [--seconds 20] [--rounds 2] [--baseline DIR]

Each server runs with ``bench/gcpauses/`` on its path, which times every collection of every
process (``gc.callbacks``). For each run: the collections of each generation that fell within
it, their total and longest pause, beside the run's latency. A collection holds the GIL: every
thread of the process waits for it, and the requests in flight take its pause on their time.
With ``--baseline DIR`` (another checkout, e.g. the code before a change) its servers are run in
the same rounds, alternately with this tree's.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import tempfile
import time
from pathlib import Path

from serving import ROOT, Server, load_average, served, wrk

PATH = "/api/v1/documents/reply-letter"
FLAGS = ("--queue-size", "32")


def pauses(directory: Path, since: float, until: float) -> dict[int, list[float]]:
    """The pauses (ms) of the collections of each generation between ``since`` and ``until``."""
    found: dict[int, list[float]] = {0: [], 1: [], 2: []}
    for path in directory.glob("*.jsonl"):
        for line in path.read_text().splitlines():
            record = json.loads(line)
            if since <= record["at"] <= until:
                found[record["generation"]].append(record["ms"])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--baseline", type=Path, help="another checkout of docgen, run alternately with this tree")
    args = parser.parse_args()
    print(f"GC pauses under 16 clients (.docx), {os.cpu_count()} cores, load average {load_average()}")
    trees = [("docgen", ROOT)] + ([("baseline", args.baseline.resolve())] if args.baseline else [])
    with contextlib.ExitStack() as stack:
        servers: list[tuple[Server, Path]] = []
        for label, root in trees:
            for processes in (1, 2):
                directory = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="docgen-bench-gc-")))
                env = {"PYTHONPATH": f"{ROOT / 'bench' / 'gcpauses'}:{root}", "DOCGEN_BENCH_GC": str(directory)}
                name = f"{label}, {processes} process{'es' if processes > 1 else ''}"
                servers.append((stack.enter_context(served(*FLAGS, processes=processes, pdf_workers=1, name=name,
                                                           env=env, root=root)), directory))
        for server, _ in servers:
            wrk(server, PATH, 16, 2)
        for number in range(args.rounds):
            for server, directory in servers:
                since = time.time()
                run = wrk(server, PATH, 16, args.seconds)
                time.sleep(0.6)  # the last collections' lines are written
                found = pauses(directory, since, time.time())
                counts = "  ".join(f"gen{g} {len(p):4d} × ≤{max(p, default=0):6.1f} ms (Σ {sum(p):6.1f})"
                                   for g, p in found.items())
                print(f"  round {number + 1}  {server.name:<22} p50 {run.p50:6.1f} p99 {run.p99:6.1f} ms"
                      f"  {run.requests:5d} req  {counts}  [load {load_average()}]", flush=True)


if __name__ == "__main__":
    main()
