"""Benchmark (not a test): resident memory of one web worker after 10,000 requests.

    .venv/bin/python bench/rss.py [--requests 10000] [--clients 4] [--trace DIR]

A real ``docgen serve`` (this tree's code, 2 LibreOffice workers) answers reply letters from 4
keep-alive clients: nine .docx to one PDF, over the five reply-letter samples of the default
profile. Prints the web process's RSS (LibreOffice's processes are not the web worker's)
after start-up (its PDF workers idle), after every 1,000 requests and at the end, with the
highest it reached on the way. Target: ≤ 150 MB after 10,000.

``--trace DIR`` finds what grows (debug only; the server runs two to three times slower): the
server runs with tracemalloc (``bench/memtrace/sitecustomize.py``), dumps a snapshot into DIR
after the first 1,000 requests and at the end, and the tracebacks whose allocations changed the
most between the two are printed: Python's own allocations, so a growth of RSS they do not show
is the allocator's (lxml's buffers, malloc arenas). Environment variables reach the server.
"""

from __future__ import annotations

import argparse
import os
import signal
import time
import tracemalloc
from pathlib import Path

from serving import ROOT, load, rss_mb, served, web_processes

SAMPLES = [path.read_bytes() for path in sorted((ROOT / "samples" / "reply-letter").glob("*.json"))
           if not path.with_suffix(".toml").exists()]
DOCX, PDF = "/api/v1/documents/reply-letter", "/api/v1/documents/reply-letter?format=pdf"


def peak_mb(pid: int) -> float:
    """The process's highest RSS so far (VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def snapshot(web: int, directory: Path, number: int) -> tracemalloc.Snapshot:
    os.kill(web, signal.SIGUSR2)
    path = directory / f"{number}.snapshot"
    while not path.exists():
        time.sleep(0.2)
    return tracemalloc.Snapshot.load(str(path))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--trace", type=Path, help="directory for tracemalloc snapshots of the server")
    args = parser.parse_args()
    env = {}
    if args.trace:
        args.trace.mkdir(parents=True, exist_ok=True)
        env = {"PYTHONPATH": f"{ROOT / 'bench' / 'memtrace'}:{ROOT}", "DOCGEN_BENCH_MEMTRACE": str(args.trace)}
    with served("--queue-size", "32", env=env) as server:
        web = web_processes(server.pid)[0]
        print(f"RSS after start-up: {rss_mb(web):.0f} MB")
        done, step, statuses, first = 0, 100, {}, None
        while done < args.requests:
            body = SAMPLES[(done // step) % len(SAMPLES)]
            path = PDF if (done // step) % 10 == 9 else DOCX
            result = load(server, path, args.clients, step, body)
            for status, count in result.statuses.items():
                statuses[status] = statuses.get(status, 0) + count
            done += step
            if done % 1000 == 0 and done < args.requests:
                print(f"RSS after {done} requests: {rss_mb(web):.0f} MB", flush=True)
                if args.trace and first is None:
                    first = snapshot(web, args.trace, 1)
        print(f"RSS after {done} requests: {rss_mb(web):.0f} MB   (target ≤ 150 MB); highest on the way: "
              f"{peak_mb(web):.0f} MB; statuses {statuses}")
        if first is not None:
            last = snapshot(web, args.trace, 2)
            print(f"Python allocations: {sum(s.size for s in first.statistics('filename')) / 2**20:.1f} MB after 1000 "
                  f"requests, {sum(s.size for s in last.statistics('filename')) / 2**20:.1f} MB at the end; changed most:")
            for stat in last.compare_to(first, "traceback")[:15]:
                print(f"{stat.size_diff / 2**20:+8.2f} MB {stat.count_diff:+8d} blocks")
                for line in stat.traceback.format()[-8:]:
                    print("      " + line)


if __name__ == "__main__":
    main()
