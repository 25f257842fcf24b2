"""Benchmark (not a test): figures and the annual summary for a ledger of 10,000 rows.

    .venv/bin/python bench/summary.py [--rows 10000] [--rounds 5]

Builds a 10,000-row ledger by repeating the sample ledger's rows with new item numbers, then
reports the median time to (1) read it from .xlsx, (2) compute the figures from inline rows,
and (3) check and render the whole summary (.docx, with the chart) from inline rows.
Target: figures + render under 2 s.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from openpyxl import Workbook  # noqa: E402

import docgen  # noqa: E402
from docgen.kinds.annual_summary.figures import compute  # noqa: E402
from docgen.kinds.annual_summary.ledger import load_ledger  # noqa: E402
from docgen.profile import load_profile  # noqa: E402

CASE = ROOT / "samples" / "annual-summary" / "jianshe-2024.json"


def big_ledger(rows: int) -> list[dict]:
    base = json.loads(CASE.read_text("utf-8"))["ledger"]
    return [{**base[i % len(base)], "编号": i + 1} for i in range(rows)]


def as_xlsx(ledger: list[dict]) -> bytes:
    book = Workbook()  # shared strings, as Excel writes them
    sheet = book.active
    sheet.title = "台账"
    headers = list(ledger[0].keys() | set().union(*(r.keys() for r in ledger[:100])))
    sheet.append(headers)
    for row in ledger:
        sheet.append([row.get(h) for h in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def median_seconds(task, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        task()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    ledger = big_ledger(args.rows)
    case = {**json.loads(CASE.read_text("utf-8")), "ledger": ledger}
    xlsx = as_xlsx(ledger)
    profile = load_profile()
    docgen.render("annual-summary", {**case, "ledger": ledger[:50]})  # warm imports (matplotlib, templates)

    read = median_seconds(lambda: load_ledger(("台账.xlsx", xlsx)), args.rounds)
    rows = load_ledger(ledger).rows
    figures = median_seconds(lambda: compute(load_ledger(ledger).rows, profile), args.rounds)
    render = median_seconds(lambda: docgen.render("annual-summary", case, profile), args.rounds)
    print(f"ledger of {len(rows)} rows ({len(xlsx) // 1024} KiB as .xlsx), median of {args.rounds} rounds:")
    print(f"  read .xlsx (every cell converted)             {read * 1000:7.0f} ms")
    print(f"  figures from inline rows (normalise + count)  {figures * 1000:7.0f} ms")
    print(f"  check + figures + render summary .docx        {render * 1000:7.0f} ms   (target < 2000 ms)")


if __name__ == "__main__":
    main()
