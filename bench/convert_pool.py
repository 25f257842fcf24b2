"""Benchmark (not a test): LibreOffice's pool alone, by number of workers, at 4 clients and at 1.

    .venv/bin/python bench/convert_pool.py [--workers 2 3 4] [--clients 4] [--seconds 10] [--rounds 3] [--fresh 5]

One :class:`~docgen.converter.ConverterPool` per worker count, never recycled, each used directly
by threads converting the one-page reply letter's .docx (rendered once, no HTTP, no rendering in
the loop). The pools are started first, then measured in turn, round after round, so that a change
in the machine's load touches them alike: first with ``--clients`` threads (the throughput),
then with one (the latency of one document when nothing waits). For each run it also notes the
share of the workers' time spent converting (the rest they wait for their next document) and the
share of the machine's CPU time that was idle (from /proc/stat: the whole machine, other work
included): together they say whether the workers keep the cores busy. At the end, the memory of one
worker: its driver's and its LibreOffice's RSS, and the private part of it (what one more worker
costs; the rest is shared libraries and fonts, mapped once). Last, ``--fresh`` times new workers
(each the one worker of a new pool, warmed up as every worker is): their first caller's document
against their next ones, the slow first conversion the warm-up takes on.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import statistics
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from serving import LETTER, Run, alternate_runners, in_threads, load_average, report, rss_mb, tree_cpu

import docgen
from docgen.converter import ConverterPool, PoolSettings, process_group

CORES = os.cpu_count() or 2


@dataclass
class PoolRunner:
    """``clients`` threads converting ``docx`` on ``pool`` back to back; the CPU counted is this
    process's (the threads that drive the pool) and the workers'."""

    pool: ConverterPool
    docx: bytes
    name: str

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
        own = resource.getrusage(resource.RUSAGE_SELF)
        return own.ru_utime + own.ru_stime + tree_cpu(*self.pool.worker_pids())


def cpu_times() -> tuple[int, int]:
    """The machine's idle (with iowait) and total CPU ticks since boot, from /proc/stat."""
    ticks = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return ticks[3] + ticks[4], sum(ticks[:8])


@dataclass
class Shares:
    """A pool runner whose runs also note the share of the machine's CPU time left idle, and the
    share of the workers' time spent in LibreOffice's conversion steps (load, store, close as the
    workers time them): what is left is each worker waiting for its next document."""

    runner: PoolRunner
    idle: list[float] = field(default_factory=list)
    busy: list[float] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.runner.name

    def run(self, clients: int, seconds: float) -> Run:
        pool = self.runner.pool
        idle_before, total_before = cpu_times()
        office_before = sum(pool.office_ms.values())
        run = self.runner.run(clients, seconds)
        idle_after, total_after = cpu_times()
        self.idle.append((idle_after - idle_before) / max(total_after - total_before, 1))
        workers = pool.settings.workers
        self.busy.append((sum(pool.office_ms.values()) - office_before) / (1000 * run.seconds * workers))
        return run

    def line(self) -> str:
        def shares(values: list[float]) -> str:
            return f"median {100 * statistics.median(values):.0f}% ({', '.join(f'{100 * v:.0f}%' for v in values)})"
        return f"  {self.name:<34} workers in LibreOffice {shares(self.busy)}; machine CPU idle {shares(self.idle)}"


def private_mb(pid: int) -> float:
    """The process's private memory (clean and dirty), from /proc/PID/smaps_rollup."""
    total = 0
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith(("Private_Clean:", "Private_Dirty:")):
            total += int(line.split()[1])
    return total / 1024


def worker_memory(pool: ConverterPool) -> list[dict[str, float]]:
    """Each worker's driver RSS, and its LibreOffice's (the other processes of its group) RSS and private memory."""
    found = []
    for driver in pool.worker_pids():
        office = [pid for pid in process_group(driver) if pid != driver]
        with contextlib.suppress(OSError):
            found.append({"driver_rss": rss_mb(driver), "office_rss": sum(rss_mb(pid) for pid in office),
                          "office_private": sum(private_mb(pid) for pid in office)})
    return found


def fresh_workers(docx: bytes, count: int) -> None:
    """The first document of ``count`` new workers against the median of their next four."""
    ratios = []
    for _ in range(count):
        with ConverterPool(PoolSettings(workers=1)) as pool:
            times = []
            for _ in range(5):
                began = time.perf_counter()
                pool.convert(docx)
                times.append((time.perf_counter() - began) * 1000)
        ratios.append(times[0] / statistics.median(times[1:]))
        print(f"  new worker: first document {times[0]:.0f} ms, next ones (median) {statistics.median(times[1:]):.0f} ms"
              f"  [load {load_average()}]", flush=True)
    print(f"first document ÷ next ones, median of {count} new workers: {statistics.median(ratios):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, nargs="+", default=[2, 3, 4])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--fresh", type=int, default=5, help="new workers whose first documents are timed")
    args = parser.parse_args()
    print(f"LibreOffice pool alone, workers {args.workers}, {CORES} cores, load average {load_average()}")
    docx = docgen.render("reply-letter", json.loads(LETTER)).content
    with contextlib.ExitStack() as stack:
        pools = {count: stack.enter_context(ConverterPool(PoolSettings(workers=count, max_documents=1_000_000)))
                 for count in args.workers}
        runners = [Shares(PoolRunner(pool, docx, f"pool of {count} workers")) for count, pool in pools.items()]
        for runner in runners:  # every worker converts a few documents before the measure
            runner.runner.run(args.clients, 2)
        print(f"\n{args.clients} clients:")
        busy = alternate_runners(runners, args.clients, args.seconds, args.rounds)
        busy_shares = [runner.line() for runner in runners]
        for runner in runners:
            runner.idle.clear()
            runner.busy.clear()
        print("\n1 client (one document at a time):")
        alone = alternate_runners(runners, 1, args.seconds, args.rounds)
        memory = {count: worker_memory(pool) for count, pool in pools.items()}
    first = runners[0].name
    print(f"\n{args.clients} clients, ratios to the {first}:")
    report(busy, first)
    print("\n".join(busy_shares))
    print(f"\n1 client, ratios to the {first}:")
    report(alone, first)
    print("\n".join(runner.line() for runner in runners))
    every = [worker for workers in memory.values() for worker in workers]
    print(f"\nmemory of one worker (mean of {len(every)}, after the runs): driver RSS "
          f"{statistics.mean(w['driver_rss'] for w in every):.0f} MB, LibreOffice RSS "
          f"{statistics.mean(w['office_rss'] for w in every):.0f} MB, of which private "
          f"{statistics.mean(w['office_private'] for w in every):.0f} MB")
    if args.fresh:
        print(f"\n{args.fresh} new workers, each warmed up, then 5 documents:")
        fresh_workers(docx, args.fresh)
    print(f"load average at the end {load_average()}")


if __name__ == "__main__":
    main()
