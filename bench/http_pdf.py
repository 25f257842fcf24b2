"""Benchmark (not a test): HTTP PDF under 4 concurrent clients, on a real ``docgen serve`` with one
web process and with two.

    .venv/bin/python bench/http_pdf.py [--clients 4] [--seconds 15] [--rounds 3]

Each client (wrk, one keep-alive connection each) posts the one-page reply letter to
``/api/v1/documents/reply-letter?format=pdf`` back to back. Servers measured:

- one process with one LibreOffice worker per core (the default);
- two processes with one LibreOffice worker each (the same number of LibreOffice processes);
- two processes with one worker per core each (twice as many).

The peer is LibreOffice's own floor: a :class:`~docgen.converter.ConverterPool` of one worker per
core, never recycled, used directly by as many threads as there are clients, converting the very
.docx the service renders, with no HTTP and no rendering. The ratio service ÷ pool is the share of what
LibreOffice alone can do that the service delivers; what is missing to the targets beyond the
pool's own rate is LibreOffice's conversion time. All are started first, then measured in turn,
round after round, so that a change in the machine's load touches them alike. The CPU time per
request counts every process of the server, LibreOffice included (for the pool: this process
and its workers); unlike the rate, it hardly depends on what else the machine runs.

Targets (issue 16): ≥ 20 req/s, p99 ≤ 300 ms.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import statistics
import threading
import time
from dataclasses import dataclass

from serving import Run, fetch, in_threads, load_average, median_run, report, served, tree_cpu, wrk

from docgen.converter import ConverterPool, PoolSettings

PATH = "/api/v1/documents/reply-letter?format=pdf"
DOCX_PATH = "/api/v1/documents/reply-letter"
CORES = os.cpu_count() or 2
POOL = "LibreOffice pool alone"


@dataclass
class PoolPeer:
    pool: ConverterPool
    docx: bytes
    name: str = POOL

    def run(self, clients: int, seconds: float) -> Run:
        latencies: list[float] = []
        lock = threading.Lock()
        until = time.perf_counter() + seconds

        def client() -> None:
            while time.perf_counter() < until:
                began = time.perf_counter()
                self.pool.convert(self.docx)
                with lock:
                    latencies.append((time.perf_counter() - began) * 1000)

        cpu_before = self.cpu()
        seconds = in_threads(client, clients)
        cuts = statistics.quantiles(latencies, n=100)
        return Run(len(latencies), seconds, cuts[49], cuts[98], 0, 0, 0.0, self.cpu() - cpu_before)

    def cpu(self) -> float:
        """This process's own CPU (the threads that drive the pool) and its LibreOffice workers'."""
        own = resource.getrusage(resource.RUSAGE_SELF)
        return own.ru_utime + own.ru_stime + tree_cpu(*self.pool.worker_pids())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"HTTP PDF, {args.clients} clients, {CORES} cores, load average {load_average()}")
    with contextlib.ExitStack() as stack:
        servers = [
            stack.enter_context(served(processes=1, pdf_workers=CORES, name=f"docgen, 1 process × {CORES} LO")),
            stack.enter_context(served(processes=2, pdf_workers=1, name="docgen, 2 processes × 1 LO")),
            stack.enter_context(served(processes=2, pdf_workers=CORES, name=f"docgen, 2 processes × {CORES} LO")),
        ]
        # The floor converts without recycling workers (a successor's start would cost CPU, and
        # its processes' times would leave the count with the old worker).
        pool = stack.enter_context(ConverterPool(PoolSettings(workers=CORES, max_documents=1_000_000)))
        peer = PoolPeer(pool, fetch(servers[0], DOCX_PATH))
        for server in servers:  # warm-up: every LibreOffice worker converts a few documents
            wrk(server, PATH, args.clients, 3)
        peer.run(args.clients, 3)
        runs: dict[str, list[Run]] = {POOL: [], **{server.name: [] for server in servers}}
        for number in range(args.rounds):
            for target in (peer, *servers):
                run = peer.run(args.clients, args.seconds) if target is peer else \
                    wrk(target, PATH, args.clients, args.seconds)  # type: ignore[arg-type]
                runs[target.name].append(run)
                print(f"  round {number + 1}  {target.name:<34} {run.line()}  [load {load_average()}]", flush=True)
    report(runs, POOL)
    best = median_run(runs[POOL])
    print(f"\nLibreOffice alone: {best.rate:.1f} conversions/s with {CORES} workers, "
          f"{1000 * CORES / best.rate:.0f} ms of a worker per document")
    print(f"targets: ≥ 20 req/s, p99 ≤ 300 ms; load average at the end {load_average()}")


if __name__ == "__main__":
    main()
