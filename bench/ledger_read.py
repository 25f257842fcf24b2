"""Benchmark (not a test): reading a 10,000-row .xlsx ledger, the intake's path against the old one.

    .venv/bin/python bench/ledger_read.py [--rows 10000] [--rounds 5]

The workbook is written by openpyxl with shared strings, as Excel writes them (the sample
ledger's rows repeated with new item numbers, see bench/summary.py). In one run it times, as
the median of the rounds:
- the sheet's cells as rows of values: python-calamine (the intake's reader) against openpyxl's
  read-only mode (the reader before), and their ratio;
- the whole ledger through the intake (read, find the header, convert every cell, check each row).
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from openpyxl import load_workbook  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402
from summary import as_xlsx, big_ledger, median_seconds  # noqa: E402

from docgen.kinds.annual_summary.ledger import load_ledger  # noqa: E402


def openpyxl_grid(content: bytes) -> list[list]:
    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def calamine_grid(content: bytes) -> list[list]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    try:
        return book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    finally:
        book.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    xlsx = as_xlsx(big_ledger(args.rows))
    assert len(openpyxl_grid(xlsx)) == len(calamine_grid(xlsx)) == args.rows + 1
    ledger = load_ledger(("台账.xlsx", xlsx))
    assert ledger.ok and len(ledger.rows) == args.rows

    old = median_seconds(lambda: openpyxl_grid(xlsx), args.rounds)
    new = median_seconds(lambda: calamine_grid(xlsx), args.rounds)
    whole = median_seconds(lambda: load_ledger(("台账.xlsx", xlsx)), args.rounds)
    print(f"ledger of {args.rows} rows ({len(xlsx) // 1024} KiB as .xlsx, shared strings), median of {args.rounds} rounds:")
    print(f"  cells as rows, openpyxl read-only (before)     {old * 1000:7.0f} ms")
    print(f"  cells as rows, python-calamine (the intake)    {new * 1000:7.0f} ms   {old / new:.1f}x faster")
    print(f"  whole ledger through the intake (read + check) {whole * 1000:7.0f} ms")


if __name__ == "__main__":
    main()
