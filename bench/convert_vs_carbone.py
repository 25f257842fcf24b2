"""Benchmark (not a test): one .docx → PDF, warm and serial, docgen's pool against Carbone's converter.

    .venv/bin/python bench/convert_vs_carbone.py [--rounds 5] [--batch 20]

The file is the rendered one-page reply letter (a-suggestion-bus-shelter). Carbone 3.8 (npm, in a
throwaway directory, see bench/peers.py) converts it with one LibreOffice factory; docgen with a
pool of one worker, through ``ConverterPool.convert()``. Both use the same LibreOffice and fonts.
The two alternate in batches within one run, so both see the same load on a shared machine.
Prints each side's median, the ratio docgen / Carbone, whether the two PDFs have the same pages,
text and fonts, and where docgen's time goes: LibreOffice's load, store and close as the worker
timed them, and the rest (socket, files, pool). On a shared machine the wall-clock times move
with everyone else's load, so it also prints the CPU time each side's LibreOffice (soffice.bin)
spent per conversion, which measures the work done whatever the load. Target: docgen ≤ 40 ms,
≤ 0.87 × Carbone.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import docgen  # noqa: E402
from docgen.converter import ConverterPool, PoolSettings  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from peers import ask, close, node, npm_peers  # noqa: E402

SAMPLE = ROOT / "samples" / "reply-letter" / "a-suggestion-bus-shelter.json"

CARBONE_DRIVER = r"""
const converter = require('carbone/lib/converter');
const readline = require('readline');
const [input, output] = process.argv.slice(2);
function convertOnce () {
  return new Promise((resolve, reject) => {
    const began = process.hrtime.bigint();
    converter.convertFile(input, 'writer_pdf_Export', '', output, (err) => {
      if (err) { reject(err); } else { resolve(Number(process.hrtime.bigint() - began) / 1e6); }
    });
  });
}
converter.init({ factories: 1, startFactory: true }, () => {
  process.stdout.write('ready\n');
  readline.createInterface({ input: process.stdin }).on('line', async (line) => {
    if (line === 'exit') { converter.exit(() => process.exit(0)); return; }
    const times = [];
    for (let i = 0; i < Number(line); i++) { times.push(await convertOnce()); }
    process.stdout.write(JSON.stringify(times) + '\n');
  });
});
"""


def facts(pdf: bytes) -> tuple[list[str], list[str]]:
    """Each page's text, and the fonts' names without their subset prefixes (LibreOffice draws
    those anew in every run, so no two runs give the same bytes)."""
    reader = PdfReader(io.BytesIO(pdf))
    fonts = {str(font.get_object()["/BaseFont"]).split("+", 1)[-1]
             for page in reader.pages for font in ((page.get("/Resources") or {}).get("/Font") or {}).values()}
    return [page.extract_text() for page in reader.pages], sorted(fonts)


def office_cpu_ms(root: int) -> float:
    """CPU time (user + system, ms) of the soffice.bin processes descended from process ``root``."""
    parents, names, cpu = {}, {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        pid = int(stat.parent.name)
        names[pid] = text[text.index("(") + 1:text.rindex(")")]
        fields = text.rsplit(")", 1)[1].split()
        parents[pid], cpu[pid] = int(fields[1]), int(fields[11]) + int(fields[12])
    total = 0
    for pid, name in names.items():
        ancestor = pid
        while ancestor > 1 and ancestor != root:
            ancestor = parents.get(ancestor, 1)
        if ancestor == root and name.startswith("soffice.bin"):
            total += cpu[pid]
    return total * 1000 / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5, help="alternations of the two sides")
    parser.add_argument("--batch", type=int, default=20, help="conversions per side and round")
    args = parser.parse_args()

    npm_peers("carbone")
    docx = docgen.render("reply-letter", json.loads(SAMPLE.read_text("utf-8"))).content
    work = Path(tempfile.mkdtemp(prefix="docgen-bench-"))
    source, carbone_pdf = work / "letter.docx", work / "carbone.pdf"
    source.write_bytes(docx)

    carbone = node("convert_vs_carbone.js", CARBONE_DRIVER, str(source), str(carbone_pdf))
    with ConverterPool(PoolSettings(workers=1)) as pool:
        if ask(carbone, None) != "ready":
            sys.exit("Carbone's converter did not start")
        ask(carbone, "5")  # warm-up, like the pool's
        for _ in range(5):
            docgen_pdf = pool.convert(docx)
        ours: list[float] = []
        theirs: list[float] = []
        office_before = dict(pool.office_ms)
        cpu = {"docgen": 0.0, "Carbone": 0.0}
        worker = pool.worker_pids()[0]
        for round_number in range(args.rounds):
            cpu_before = office_cpu_ms(worker)
            for _ in range(args.batch):
                began = time.perf_counter()
                docgen_pdf = pool.convert(docx)
                ours.append((time.perf_counter() - began) * 1000)
            cpu["docgen"] += office_cpu_ms(worker) - cpu_before
            cpu_before = office_cpu_ms(carbone.pid)
            theirs.extend(json.loads(ask(carbone, str(args.batch))))
            cpu["Carbone"] += office_cpu_ms(carbone.pid) - cpu_before
            print(f"round {round_number + 1}: docgen {statistics.median(ours[-args.batch:]):.1f} ms, "
                  f"Carbone {statistics.median(theirs[-args.batch:]):.1f} ms", file=sys.stderr)
        close(carbone)
        inside = {step: (pool.office_ms[step] - office_before[step]) / len(ours) for step in office_before}

    same = facts(docgen_pdf) == facts(carbone_pdf.read_bytes())
    ours_median, theirs_median = statistics.median(ours), statistics.median(theirs)
    print(f"convert the one-page letter, warm, serial ({len(ours)} each, {args.rounds} alternating rounds)")
    print(f"  docgen pool.convert(): median {ours_median:.1f} ms, p90 {statistics.quantiles(ours, n=10)[-1]:.1f} ms")
    print(f"  Carbone 3.8 converter: median {theirs_median:.1f} ms, p90 {statistics.quantiles(theirs, n=10)[-1]:.1f} ms")
    print(f"  ratio docgen / Carbone: {ours_median / theirs_median:.2f}   (target: docgen ≤ 40 ms, ratio ≤ 0.87)")
    outside = statistics.mean(ours) - sum(inside.values())
    print("  docgen's mean, inside the worker: " + ", ".join(f"{step} {ms:.1f} ms" for step, ms in inside.items())
          + f"; outside LibreOffice (socket, files, pool): {outside:.1f} ms of {statistics.mean(ours):.1f} ms")
    ours_cpu, theirs_cpu = cpu["docgen"] / len(ours), cpu["Carbone"] / len(theirs)
    print(f"  LibreOffice CPU time per conversion: docgen {ours_cpu:.1f} ms, Carbone {theirs_cpu:.1f} ms, "
          f"ratio {ours_cpu / theirs_cpu:.2f}")
    print(f"  same pages, text and fonts: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
