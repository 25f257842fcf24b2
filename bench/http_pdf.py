"""Benchmark (not a test): HTTP PDF under 4 concurrent clients, on a real ``docgen serve`` with one
web process and with two.

    .venv/bin/python bench/http_pdf.py [--clients 4] [--seconds 15] [--rounds 3] [--workers N …] [--baseline DIR]

Each client (wrk, one keep-alive connection each) posts the one-page reply letter to
``/api/v1/documents/reply-letter?format=pdf`` back to back. Servers measured:

- one process with the default number of LibreOffice workers (``pdf_workers``), or with each
  number given by ``--workers``;
- two processes with one LibreOffice worker each;
- two processes with one worker per core each;
- with ``--baseline DIR`` (another checkout of docgen, say ``git worktree add /tmp/main main``,
  as bench/http_docx.py takes it): one process of that checkout with one worker per core, to
  measure a change against what it changes.

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
from pathlib import Path

from convert_pool import PoolRunner
from serving import Run, Wrk, alternate_runners, fetch, load_average, median_run, report, served

from docgen.converter import ConverterPool, PoolSettings
from docgen.settings import Settings

PATH = "/api/v1/documents/reply-letter?format=pdf"
DOCX_PATH = "/api/v1/documents/reply-letter"
CORES = os.cpu_count() or 2
POOL = "LibreOffice pool alone"
DEFAULT_WORKERS: int = Settings.model_fields["pdf_workers"].default


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, nargs="+", default=[DEFAULT_WORKERS],
                        help="LibreOffice workers of the one-process server, one server for each number")
    parser.add_argument("--baseline", type=Path,
                        help="another checkout of docgen (e.g. of main), served by one process with one "
                             "worker per core and measured in the same rounds")
    args = parser.parse_args()
    print(f"HTTP PDF, {args.clients} clients, {CORES} cores, load average {load_average()}")
    with contextlib.ExitStack() as stack:
        servers = [
            *(stack.enter_context(served(processes=1, pdf_workers=count, name=f"docgen, 1 process × {count} LO"
                                         + (" (default)" if count == DEFAULT_WORKERS else "")))
              for count in args.workers),
            stack.enter_context(served(processes=2, pdf_workers=1, name="docgen, 2 processes × 1 LO")),
            stack.enter_context(served(processes=2, pdf_workers=CORES, name=f"docgen, 2 processes × {CORES} LO")),
        ]
        if args.baseline:
            servers.append(stack.enter_context(served(
                processes=1, pdf_workers=CORES, name=f"baseline, 1 process × {CORES} LO",
                root=args.baseline.resolve())))
        # The floor converts without recycling workers (a successor's start would cost CPU, and
        # its processes' times would leave the count with the old worker).
        pool = stack.enter_context(ConverterPool(PoolSettings(workers=CORES, max_documents=1_000_000)))
        runners = [PoolRunner(pool, fetch(servers[0], DOCX_PATH), POOL), *(Wrk(server, PATH) for server in servers)]
        for runner in runners:  # warm-up: every LibreOffice worker converts a few documents
            runner.run(args.clients, 3)
        runs: dict[str, list[Run]] = alternate_runners(runners, args.clients, args.seconds, args.rounds)
    report(runs, POOL)
    best = median_run(runs[POOL])
    print(f"\nLibreOffice alone: {best.rate:.1f} conversions/s with {CORES} workers, "
          f"{1000 * CORES / best.rate:.0f} ms of a worker per document")
    print(f"targets: ≥ 20 req/s, p99 ≤ 300 ms; load average at the end {load_average()}")


if __name__ == "__main__":
    main()
