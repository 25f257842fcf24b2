"""Benchmark (not a test): render + PDF conversion with a warm LibreOffice pool.

    .venv/bin/python bench/convert.py [--rounds 30] [--workers N]

Reports, for each reply-letter sample, the median milliseconds for one document rendered to
.docx, converted by a warm worker and finished by pypdf (serially, one at a time), then the
throughput in documents per second with the whole pool busy, and for the one-page letter
(a-suggestion-bus-shelter) the median of each step: render, convert (with LibreOffice's load,
store and close as the worker timed them) and finish. Target (issue 16): median ≤ 50 ms for the
one-page letter.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import docgen  # noqa: E402
from docgen.converter import ConverterPool, PoolSettings  # noqa: E402
from docgen.pdf import finish  # noqa: E402
from docgen.profile import load_profile  # noqa: E402
from pypdf import PdfReader  # noqa: E402

SAMPLES = sorted((ROOT / "samples" / "reply-letter").glob("*.json"))
ONE_PAGE = ROOT / "samples" / "reply-letter" / "a-suggestion-bus-shelter.json"


def profile_for(path: Path):
    config = path.with_suffix(".toml")
    return load_profile(config if config.exists() else None)


def render_pdf(path: Path, case: dict, pool: ConverterPool) -> bytes:
    return docgen.render("reply-letter", case, profile_for(path), fmt="pdf", converter=pool).content


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=30, help="conversions per sample for the median")
    parser.add_argument("--workers", type=int, default=PoolSettings().workers, help="pool size (default: the pool's, one more than the cores)")
    args = parser.parse_args()

    cases = {p: json.loads(p.read_text("utf-8")) for p in SAMPLES}
    started = time.perf_counter()
    with ConverterPool(PoolSettings(workers=args.workers)) as pool:
        print(f"pool of {args.workers} workers started in {time.perf_counter() - started:.1f} s")
        for path, case in cases.items():  # warm every worker on every sample
            for _ in range(args.workers * 2):
                render_pdf(path, case, pool)

        print(f"\nserial, {args.rounds} rounds each: render + convert + finish, one document at a time")
        print(f"{'sample':40} {'pages':>5} {'median ms':>10} {'p90 ms':>8}")
        for path, case in cases.items():
            times = []
            for _ in range(args.rounds):
                t0 = time.perf_counter()
                pdf = render_pdf(path, case, pool)
                times.append((time.perf_counter() - t0) * 1000)
            pages = len(PdfReader(__import__("io").BytesIO(pdf)).pages)
            p90 = statistics.quantiles(times, n=10)[-1]
            print(f"{path.stem:40} {pages:>5} {statistics.median(times):>10.0f} {p90:>8.0f}")

        steps: dict[str, list[float]] = {"render": [], "convert": [], "finish": []}
        properties = docgen.get_kind("reply-letter").properties(docgen.check("reply-letter", cases[ONE_PAGE]).case)
        office_before = dict(pool.office_ms)
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            docx = docgen.render("reply-letter", cases[ONE_PAGE], profile_for(ONE_PAGE)).content
            t1 = time.perf_counter()
            converted = pool.convert(docx)
            t2 = time.perf_counter()
            finish(converted, properties)
            t3 = time.perf_counter()
            for step, began, ended in (("render", t0, t1), ("convert", t1, t2), ("finish", t2, t3)):
                steps[step].append((ended - began) * 1000)
        inside = ", ".join(f"{step} {(pool.office_ms[step] - before) / args.rounds:.1f}" for step, before in office_before.items())
        print(f"\n{ONE_PAGE.stem}, median ms by step: " + ", ".join(f"{step} {statistics.median(times):.1f}" for step, times in steps.items())
              + f" (inside LibreOffice, mean: {inside})")

        jobs = [(p, c) for p, c in cases.items()] * args.rounds
        t0 = time.perf_counter()
        with ThreadPoolExecutor(args.workers * 2) as executor:
            list(executor.map(lambda job: render_pdf(*job, pool), jobs))
        elapsed = time.perf_counter() - t0
        print(f"\nthroughput with the pool busy: {len(jobs) / elapsed:.1f} documents/s "
              f"({len(jobs)} documents in {elapsed:.1f} s, {args.workers} workers)")


if __name__ == "__main__":
    main()
