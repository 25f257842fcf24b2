"""Benchmark (not a test): a CLI batch's .docx rendered on one core and on every usable core.

    .venv/bin/python bench/batch_cores.py [--letters 256] [--rounds 7]
    .venv/bin/python bench/batch_cores.py --break-even [--rounds 7]

The cases cycle through the reply-letter samples that use the default profile, as bench/batch.py
builds them. Runs alternate (serial, parallel, serial, …) so that both see the same load, and
the medians and their ratio are printed with the load average.

- default: ``docgen batch reply-letter cases.json -o letters.zip``, each run a fresh process
  (start-up and writing the file included); serially it runs under ``taskset`` with one core
  (each core in turn), which makes the CLI render in its own process, the same command as the
  parallel run.
- ``--break-even``: only the rendering (``render_documents``), in a fresh process each time (so
  the first letter pays for the template, as in the CLI), of 8 … 256 letters, with one worker
  and with one per core, forking at any size: below which number forking costs more than it
  saves (docgen.batch.parallel.MIN_DOCUMENTS_PER_WORKER).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

RENDER_ONLY = """
import gc, json, sys, time
from docgen import batch
from docgen.batch import parallel
gc.freeze()  # as the CLI's program entry does (docgen.cli.Program)
parallel.MIN_DOCUMENTS_PER_WORKER = 1  # fork at any size: the threshold is what is measured
cases = json.loads(open(sys.argv[1], encoding="utf-8").read())[: int(sys.argv[2])]
plan = batch.check_cases("reply-letter", cases)
documents = {}
began = time.perf_counter()
batch.render_documents(plan, plan.valid, "docx", on_document=documents.__setitem__, workers=int(sys.argv[3]))
print(time.perf_counter() - began)
"""


def write_cases(path: Path, letters: int) -> None:
    samples = [json.loads(sample.read_text("utf-8")) for sample in sorted((ROOT / "samples" / "reply-letter").glob("*.json"))
               if not sample.with_suffix(".toml").exists()]
    path.write_text(json.dumps(list(itertools.islice(itertools.cycle(samples), letters)), ensure_ascii=False), "utf-8")


def cli_seconds(cases: Path, output: Path, cores: str | None) -> float:
    command = [sys.executable, "-m", "docgen.cli", "batch", "reply-letter", str(cases), "-o", str(output)]
    if cores is not None:
        command = ["taskset", "-c", cores, *command]
    began = time.perf_counter()
    completed = subprocess.run(command, env=ENV, stderr=subprocess.DEVNULL)
    if completed.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {completed.returncode}")
    return time.perf_counter() - began


def render_seconds(cases: Path, letters: int, workers: int) -> float:
    completed = subprocess.run([sys.executable, "-c", RENDER_ONLY, str(cases), str(letters), str(workers)],
                               env=ENV, check=True, capture_output=True, text=True)
    return float(completed.stdout)


def whole_batch(cases: Path, work: Path, letters: int, rounds: int) -> None:
    cores = sorted(os.sched_getaffinity(0))
    serial, parallel = [], []
    for round_ in range(rounds):  # the serial run on each core in turn, none of them favoured
        serial.append(cli_seconds(cases, work / "serial.zip", str(cores[round_ % len(cores)])))
        parallel.append(cli_seconds(cases, work / "parallel.zip", None))
    s, p = statistics.median(serial), statistics.median(parallel)
    print(f"docgen batch, {letters} reply letters → .zip, cold processes, median of {rounds} "
          f"(load average {os.getloadavg()[0]:.1f}, {len(os.sched_getaffinity(0))} usable cores):")
    print(f"  one core (taskset, each in turn): {s:.2f} s")
    print(f"  every core:                       {p:.2f} s   ratio parallel / serial {p / s:.2f}")


def break_even(cases: Path, rounds: int) -> None:
    cores = len(os.sched_getaffinity(0))
    print(f"rendering only, fresh process each run, median of {rounds}, {cores} workers vs 1 "
          f"(load average {os.getloadavg()[0]:.1f}):")
    for letters in (8, 16, 24, 32, 64, 128, 256):
        serial, parallel = [], []
        for _ in range(rounds):
            serial.append(render_seconds(cases, letters, 1))
            parallel.append(render_seconds(cases, letters, cores))
        s, p = statistics.median(serial), statistics.median(parallel)
        print(f"  {letters:3d} letters: serial {s * 1000:6.0f} ms, parallel {p * 1000:6.0f} ms, ratio {p / s:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--letters", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=7, help="runs of each, alternating (the median is shown)")
    parser.add_argument("--break-even", action="store_true", help="rendering only, 8 to 256 letters")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="docgen-bench-cores-"))
    try:
        cases = work / "cases.json"
        write_cases(cases, max(args.letters, 256))
        if args.break_even:
            break_even(cases, args.rounds)
        else:
            write_cases(cases, args.letters)
            whole_batch(cases, work, args.letters, args.rounds)
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
