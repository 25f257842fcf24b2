"""Benchmark (not a test): 256 reply letters through the CLI, cold, to a .zip and to one merged PDF.

    .venv/bin/python bench/batch.py [--letters 256]

Each run is a fresh ``docgen batch`` process (this tree's code): start-up, parsing, rendering,
for the PDF the LibreOffice pool's start and every conversion, and the writing of the file
included. The cases cycle through the reply-letter samples that use the default profile.
Prints the wall time and the file size of each. Targets: ≤ 1 s for the .zip; ≤ 15 s and
≤ 10 MB for the merged PDF.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(cases: Path, output: Path) -> float:
    began = time.perf_counter()
    subprocess.run([sys.executable, "-m", "docgen.cli", "batch", "reply-letter", str(cases), "-o", str(output)],
                   env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True, stderr=subprocess.DEVNULL)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--letters", type=int, default=256)
    args = parser.parse_args()
    samples = [json.loads(path.read_text("utf-8")) for path in sorted((ROOT / "samples" / "reply-letter").glob("*.json"))
               if not path.with_suffix(".toml").exists()]
    work = Path(tempfile.mkdtemp(prefix="docgen-bench-batch-"))
    cases = work / "cases.json"
    cases.write_text(json.dumps(list(itertools.islice(itertools.cycle(samples), args.letters)), ensure_ascii=False), "utf-8")
    print(f"{args.letters} reply letters, docgen batch (CLI, cold):")
    for output, targets in ((work / "letters.zip", "≤ 1 s"), (work / "letters.pdf", "≤ 15 s, ≤ 10 MB")):
        seconds = run(cases, output)
        print(f"  → {output.suffix}: {seconds:.1f} s, {output.stat().st_size / 1e6:.1f} MB   (targets: {targets})")


if __name__ == "__main__":
    main()
