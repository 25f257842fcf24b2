"""Benchmark (not a test): where a web process's CPU goes, thread by thread, under the load of
bench/http_docx.py (16 wrk clients posting the one-page reply letter for .docx).

    .venv/bin/python bench/thread_cpu.py [--processes 1] [--seconds 10] [--baseline DIR]

Reads each thread's CPU time (/proc/PID/task) before and after one wrk run and prints it per
request: the process's main thread (gunicorn's loop: it accepts the connections and hands each
request to a thread; waitress's, in a baseline from before, also wrote every answer) and the
other threads together (those that
served requests, and the few helpers: the allocator's trim, the metrics copy, the pool's; Python
3.11 gives them no names of their own to tell them apart), with how many of them worked. Compared
with what one request costs in one thread alone, the other threads' share shows what running the
requests side by side on one GIL adds.
"""

from __future__ import annotations

import argparse
import contextlib
import os
from pathlib import Path

from serving import ROOT, load_average, served, web_processes, wrk

PATH = "/api/v1/documents/reply-letter"
TICK = os.sysconf("SC_CLK_TCK")


def thread_times(pid: int) -> dict[int, tuple[str, float]]:
    """Each thread of ``pid``: its name and its CPU seconds."""
    found = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            name = (task / "comm").read_text().strip()
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[int(task.name)] = (name, (int(fields[11]) + int(fields[12])) / TICK)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--baseline", type=Path, help="another checkout of docgen, measured after this tree")
    args = parser.parse_args()
    print(f"CPU by thread, 16 clients (.docx), {args.processes} process(es), load average {load_average()}")
    trees = [("docgen", ROOT)] + ([("baseline", args.baseline.resolve())] if args.baseline else [])
    with contextlib.ExitStack() as stack:
        servers = [stack.enter_context(served("--queue-size", "32", processes=args.processes, pdf_workers=1,
                                              name=label, root=root)) for label, root in trees]
        for server in servers:
            wrk(server, PATH, 16, 2)
            pids = web_processes(server.pid)
            before = {pid: thread_times(pid) for pid in pids}
            run = wrk(server, PATH, 16, args.seconds)
            after = {pid: thread_times(pid) for pid in pids}
            print(f"\n{server.name}: {run.line()}  [load {load_average()}]")
            per = 1000 / max(run.requests, 1)
            for pid in pids:
                spent = {tid: cpu - before[pid].get(tid, (name, 0.0))[1] for tid, (name, cpu) in after[pid].items()}
                others = [cpu for tid, cpu in spent.items() if tid != pid]
                print(f"  process {pid}: main thread {spent.get(pid, 0.0) * per:5.2f} ms/req; other threads "
                      f"{sum(others) * per:5.2f} ms/req, {sum(cpu > 0.01 for cpu in others)} of them working")


if __name__ == "__main__":
    main()
