"""Benchmark (not a test): how steadily this machine runs a Python process that wants a core.

    .venv/bin/python bench/host_noise.py [--seconds 10] [--unit-ms 1] [--letters]

One process, then one per core, each repeats a fixed unit of work and records each unit's wall
time and the CPU time its thread got. The unit is pure Python (calibrated to about
``--unit-ms`` alone), or with ``--letters`` docgen's own: the one-page reply letter posted to
the app in-process (Flask's test client: no socket, no server, no other thread). On a quiet
machine of its own, every unit takes about the same; on a shared one (a virtual machine whose
host runs other guests, other work on the same cores) some units take many times longer:

- wall ≫ CPU for a unit: the process was not running (another task or the host had the core);
- CPU itself spread: the same instructions ran slower (caches, frequency, a sibling thread).

This is the floor under every latency percentile the HTTP benches report. A request that waits
behind eight others (16 clients on two processes, bench/http_docx.py) spans about eight service
times, so a stall of tens of milliseconds anywhere in that window lands on its latency: the
share of such windows that hold a stall is about the share of requests it delays.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import time

from collections.abc import Callable
from pathlib import Path

STALL_MS = 10.0  # a unit this much longer than it should be counts as a stall
LETTER = Path(__file__).resolve().parents[1] / "samples" / "reply-letter" / "a-suggestion-bus-shelter.json"


def python_unit(rounds: int) -> Callable[[], object]:
    def unit() -> int:
        total = 0
        for number in range(rounds):
            total += number * number % 7
        return total
    return unit


def letter_unit() -> Callable[[], object]:
    """Posting the letter to the app in this process, warmed and settled as a web process is."""
    from docgen.server import _settle
    from docgen.web import create_app

    client = create_app({"CONVERTER": object()}).test_client()  # .docx only: no pool is asked for
    body = LETTER.read_bytes()

    def unit() -> object:
        answer = client.post("/api/v1/documents/reply-letter", data=body, content_type="application/json")
        assert answer.status_code == 200
        return answer

    for _ in range(200):
        unit()
    _settle()
    return unit


def calibrate(unit_ms: float) -> int:
    rounds = 1000
    while True:
        began = time.perf_counter()
        python_unit(rounds)()
        took = (time.perf_counter() - began) * 1000
        if took > 20:
            return max(1, int(rounds * unit_ms / took))
        rounds *= 2


def run(make_unit: Callable[[], Callable[[], object]], seconds: float, queue: multiprocessing.Queue) -> None:
    unit = make_unit()
    walls, cpus = [], []
    until = time.perf_counter() + seconds
    while time.perf_counter() < until:
        wall, cpu = time.perf_counter(), time.thread_time()
        unit()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.thread_time() - cpu) * 1000)
    queue.put((walls, cpus))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(processes: int, make_unit: Callable[[], Callable[[], object]], seconds: float) -> None:
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    children = [context.Process(target=run, args=(make_unit, seconds, queue)) for _ in range(processes)]
    for child in children:
        child.start()
    results = [queue.get() for _ in children]
    for child in children:
        child.join()
    walls = [value for wall, _ in results for value in wall]
    cpus = [value for _, cpu in results for value in cpu]
    typical = statistics.median(walls)
    stalls = sum(1 for wall in walls if wall - typical > STALL_MS)
    lost = sum(wall - cpu for wall, cpu in zip(walls, cpus)) / sum(walls)
    print(f"  {processes} process{'es' if processes > 1 else '  '}: {len(walls)} units; "
          f"wall p50 {typical:.2f} p99 {percentile(walls, 0.99):.2f} p99.9 {percentile(walls, 0.999):.2f} "
          f"max {max(walls):.1f} ms; CPU p50 {statistics.median(cpus):.2f} p99 {percentile(cpus, 0.99):.2f} "
          f"max {max(cpus):.1f} ms; not running {100 * lost:.1f}% of the time; "
          f"stalls over {STALL_MS:g} ms: {stalls / (seconds * processes):.1f} a second per process")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--unit-ms", type=float, default=1.0)
    parser.add_argument("--letters", action="store_true", help="units of docgen's own work: the letter posted in-process")
    args = parser.parse_args()
    if args.letters:
        make_unit, what = letter_unit, "the one-page letter posted to the app in-process"
    else:
        rounds = calibrate(args.unit_ms)
        make_unit, what = (lambda: python_unit(rounds)), f"{args.unit_ms:g} ms of pure Python"
    cores = len(os.sched_getaffinity(0))
    print(f"units of {what}, {args.seconds:g} s, {cores} cores, "
          f"load average {' '.join(open('/proc/loadavg').read().split()[:3])}")
    measure(1, make_unit, args.seconds)
    measure(cores, make_unit, args.seconds)


if __name__ == "__main__":
    main()
