"""Benchmark (not a test): HTTP .docx under 16 concurrent clients, on a real ``docgen serve`` with one
web process and with two.

    .venv/bin/python bench/http_docx.py [--clients 16] [--seconds 10] [--rounds 3] [--baseline DIR]
                                        [--rate R ...]

Each client (wrk, one keep-alive connection each) posts the one-page reply letter to
``/api/v1/documents/reply-letter`` (→ .docx) back to back. ``serve`` runs with ``--queue-size 32``
so that all 16 clients are admitted (by default 4 work and 8 wait per process, and the rest are
refused with 503 ``busy`` by design) and one LibreOffice worker (no PDF is asked for).

The peer is the floor of the HTTP stack: the same server run the same way, with the same
settings and number of processes (bench/floor_server.py), answering every request with the very
.docx bytes docgen sent, without doing any work. The ratio docgen ÷ floor is the share of the
stack's throughput left once docgen does its own (check, render, log, metrics); 2 processes ÷ 1
is what the second process brings. All four servers are started first, then measured in turn,
round after round, so that a change in the machine's load touches them alike. Each run also
gives the server's CPU time per request (all its processes): on a machine shared with other
work the rate says little, the CPU per request hardly changes, and on a quiet machine the rate
is about cores ÷ (CPU per request + the client's share).

``--baseline DIR`` also serves another checkout of docgen (the code before a change, e.g. from
``git worktree add DIR main``) with one and with two processes, in the same rounds, and reports
this tree against it: the peer of a change is the code it changes, measured alternately with it.

``--rate R`` (repeatable) also measures every server with the same clients sending R requests a
second in all (bench/serving.py: one timetable, the requests not back to back), after the
saturated rounds: the latency a request meets at that load rather than behind 15 others. The
floor at the same rate shows what the machine and the HTTP stack alone give at that load.

Targets (issue 16): ≥ 300 req/s, p99 ≤ 50 ms. With 16 clients back to back, the mean latency is
16 ÷ throughput (Little's law): 300 req/s is 53 ms on average, so a p99 of 50 ms needs well over
300 req/s.
"""

from __future__ import annotations

import argparse
import contextlib
import os
from pathlib import Path

from serving import alternate, fetch, floor_served, load_average, report, served, wrk

PATH = "/api/v1/documents/reply-letter"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FLAGS = ("--queue-size", "32")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="another checkout of docgen, measured as this tree's peer")
    parser.add_argument("--rate", type=float, action="append", default=[],
                        help="also measure at this many requests a second in all (repeatable)")
    args = parser.parse_args()
    print(f"HTTP .docx, {args.clients} clients, {os.cpu_count()} cores, load average {load_average()}")
    with contextlib.ExitStack() as stack:
        one = stack.enter_context(served(*FLAGS, processes=1, pdf_workers=1, name="docgen, 1 process"))
        two = stack.enter_context(served(*FLAGS, processes=2, pdf_workers=1, name="docgen, 2 processes"))
        docx = fetch(one, PATH)
        floor_one = stack.enter_context(floor_served(docx, DOCX, *FLAGS, processes=1, name="HTTP floor, 1 process"))
        floor_two = stack.enter_context(floor_served(docx, DOCX, *FLAGS, processes=2, name="HTTP floor, 2 processes"))
        servers = [floor_one, one, floor_two, two]
        if args.baseline:
            for processes in (1, 2):
                servers.append(stack.enter_context(served(
                    *FLAGS, processes=processes, pdf_workers=1, root=args.baseline.resolve(),
                    name=f"baseline, {processes} process{'es' if processes > 1 else ''}")))
        for server in servers:  # warm-up: templates, caches, the first connections
            wrk(server, PATH, args.clients, 2)
        runs = alternate(servers, PATH, args.clients, args.seconds, args.rounds)
        paced = {}
        for rate in args.rate:
            print(f"\n{args.clients} clients at {rate:g} requests a second in all")
            paced[rate] = alternate(servers, PATH, args.clients, args.seconds, args.rounds, rate=rate)
    report({name: runs[name] for name in ("HTTP floor, 1 process", "docgen, 1 process")}, "HTTP floor, 1 process")
    report({name: runs[name] for name in ("HTTP floor, 2 processes", "docgen, 2 processes")}, "HTTP floor, 2 processes")
    report({name: runs[name] for name in ("docgen, 1 process", "docgen, 2 processes")}, "docgen, 1 process")
    if args.baseline:
        report({name: runs[name] for name in ("baseline, 1 process", "docgen, 1 process")}, "baseline, 1 process")
        report({name: runs[name] for name in ("baseline, 2 processes", "docgen, 2 processes")}, "baseline, 2 processes")
    for rate, rate_runs in paced.items():
        print(f"\nat {rate:g} requests a second:")
        for processes in ("1 process", "2 processes"):
            report({name: rate_runs[name] for name in (f"HTTP floor, {processes}", f"docgen, {processes}")},
                   f"HTTP floor, {processes}")
    print(f"\ntargets: ≥ 300 req/s, p99 ≤ 50 ms; load average at the end {load_average()}")


if __name__ == "__main__":
    main()
