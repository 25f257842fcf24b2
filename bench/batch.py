"""Benchmark (not a test): 256 reply letters through the CLI, cold, to a .zip and to one merged PDF,
beside the old way of merging (each letter converted alone, the PDFs concatenated).

    .venv/bin/python bench/batch.py [--letters 256] [--rounds 1] [--no-peer] [--zip-only]

Each run is a fresh process (this tree's code): start-up, parsing, rendering, for the PDF the
LibreOffice pool's start and every conversion, and the writing of the file included. The cases
cycle through the reply-letter samples that use the default profile.

The children run as a user's installed command does, from compiled ``.pyc`` files: without
``PYTHONDONTWRITEBYTECODE`` (which would have every import compile from source, +0.2 s), after
one untimed import of everything they use has written the ``.pyc`` files.

- ``docgen batch … -o letters.zip`` and ``docgen batch … -o letters.pdf``: docgen now; the merged
  PDF joins the letters into a few documents, converted once each (docgen.batch.joined);
- the peer, "per document": the same letters, each converted alone by the same pool (as
  ``document_format=pdf`` does for a .zip) and the PDFs concatenated with docgen.pdf.merge, as
  the merged PDF was made before (every letter carrying its own font subsets).

Runs alternate (docgen, peer, docgen, …) so that both see the same load. Prints the wall time
and the file size of each, and the ratios. Targets: ≤ 1 s for the .zip; ≤ 15 s and ≤ 10 MB for
the merged PDF.
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

PER_DOCUMENT = """
import json, sys
from docgen import batch, pdf
from docgen.converter import ConverterPool
from docgen.settings import load_settings

cases = json.loads(open(sys.argv[1], encoding="utf-8").read())
plan = batch.check_cases("reply-letter", cases)
documents = {}
with ConverterPool(load_settings().pool_settings()) as pool:
    batch.render_documents(plan, plan.valid, "pdf", converter=pool, on_document=documents.__setitem__)
parts = [documents[index] for index in plan.valid]
content = pdf.merge([d.content for d in parts], outline=[d.filename.rpartition(".")[0] for d in parts])
open(sys.argv[2], "wb").write(content)
"""


CHILD_ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, "PYTHONPATH": str(ROOT)}
COMPILE = "import docgen, docgen.cli, docgen.batch, docgen.converter, docgen.pdf, pypdf; docgen.all_kinds()"


def timed(command: list[str]) -> float:
    began = time.perf_counter()
    subprocess.run(command, env=CHILD_ENV, check=True, stderr=subprocess.DEVNULL)
    return time.perf_counter() - began


def docgen_batch(cases: Path, output: Path) -> float:
    return timed([sys.executable, "-m", "docgen.cli", "batch", "reply-letter", str(cases), "-o", str(output)])


def per_document(cases: Path, output: Path) -> float:
    return timed([sys.executable, "-c", PER_DOCUMENT, str(cases), str(output)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--letters", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=1, help="runs of each, alternating (the median is shown)")
    parser.add_argument("--no-peer", action="store_true", help="skip the per-document merge")
    parser.add_argument("--zip-only", action="store_true", help="only the .zip (no merged PDF, no peer)")
    args = parser.parse_args()
    samples = [json.loads(path.read_text("utf-8")) for path in sorted((ROOT / "samples" / "reply-letter").glob("*.json"))
               if not path.with_suffix(".toml").exists()]
    work = Path(tempfile.mkdtemp(prefix="docgen-bench-batch-"))
    cases = work / "cases.json"
    cases.write_text(json.dumps(list(itertools.islice(itertools.cycle(samples), args.letters)), ensure_ascii=False), "utf-8")
    zipped, merged, peer = work / "letters.zip", work / "letters.pdf", work / "per-document.pdf"
    times: dict[str, list[float]] = {"zip": [], "pdf": [], "peer": []}
    subprocess.run([sys.executable, "-c", COMPILE], env=CHILD_ENV, check=True)
    for _ in range(args.rounds):
        times["zip"].append(docgen_batch(cases, zipped))
        if args.zip_only:
            continue
        times["pdf"].append(docgen_batch(cases, merged))
        if not args.no_peer:
            times["peer"].append(per_document(cases, peer))
    seconds = {name: statistics.median(values) for name, values in times.items() if values}
    sizes = {name: path.stat().st_size / 1e6 for name, path in (("zip", zipped), ("pdf", merged), ("peer", peer)) if path.exists()}
    shutil.rmtree(work)
    print(f"{args.letters} reply letters, cold processes, median of {args.rounds} (load average {os.getloadavg()[0]:.1f}):")
    print(f"  docgen batch → .zip:        {seconds['zip']:.2f} s, {sizes['zip']:.1f} MB   (target ≤ 1 s)")
    if "pdf" in seconds:
        print(f"  docgen batch → merged PDF:  {seconds['pdf']:.2f} s, {sizes['pdf']:.1f} MB   (targets ≤ 15 s, ≤ 10 MB)")
    if "peer" in seconds:
        print(f"  per document → merged PDF:  {seconds['peer']:.2f} s, {sizes['peer']:.1f} MB   (the old way)")
        print(f"  ratio docgen / per document: time {seconds['pdf'] / seconds['peer']:.2f}, "
              f"size {sizes['pdf'] / sizes['peer']:.2f}")


if __name__ == "__main__":
    main()
