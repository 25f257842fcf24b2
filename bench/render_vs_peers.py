"""Benchmark (not a test): render the one-page reply letter to .docx in-process, docgen against
plain docxtpl and against docxtemplater.

    .venv/bin/python bench/render_vs_peers.py [--rounds 5] [--batch 100]

- docgen: ``docgen.render("reply-letter", case)``: the case checked, its context built, the
  template filled, the .docx bytes out.
- plain docxtpl (PyPI, docgen's own dependency): ``DocxTemplate(template).render(context)`` and
  ``save()`` on docgen's own template and the context docgen builds for the same case.
- docxtemplater (npm, in a throwaway directory, see bench/peers.py) on a comparable letter: docgen's
  rendered letter with each of the context's texts replaced by a ``{tag}``, filled with the same
  texts, from the template's bytes in memory to the .docx bytes (PizZip, DEFLATE).

The three alternate in batches within one run. Prints each median and the ratios.
Target: docgen ≤ 2 ms.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import docgen  # noqa: E402
from docgen.engine import template_dir  # noqa: E402
from docgen.kinds import get_kind  # noqa: E402
from docgen.profile import load_profile  # noqa: E402
from docxtpl import DocxTemplate  # noqa: E402

from peers import ask, close, node, npm_peers  # noqa: E402

SAMPLE = ROOT / "samples" / "reply-letter" / "a-suggestion-bus-shelter.json"

DOCXTEMPLATER_DRIVER = r"""
const fs = require('fs');
const readline = require('readline');
const PizZip = require('pizzip');
const Docxtemplater = require('docxtemplater');
const template = fs.readFileSync(process.argv[2]);
const data = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
function renderOnce () {
  const began = process.hrtime.bigint();
  const doc = new Docxtemplater(new PizZip(template), { paragraphLoop: true, linebreaks: true });
  doc.render(data);
  doc.getZip().generate({ type: 'nodebuffer', compression: 'DEFLATE' });
  return Number(process.hrtime.bigint() - began) / 1e6;
}
process.stdout.write('ready\n');
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'exit') { process.exit(0); }
  const times = [];
  for (let i = 0; i < Number(line); i++) { times.push(renderOnce()); }
  process.stdout.write(JSON.stringify(times) + '\n');
});
"""


def texts(value: Any) -> Iterator[str]:
    """Every string in a context, depth first."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from texts(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from texts(item)


def docxtemplater_letter(rendered: bytes, context: Mapping[str, Any]) -> tuple[bytes, dict[str, str]]:
    """docgen's rendered letter as a docxtemplater template: each context text found in the body
    becomes a tag, and the data fills it back in."""
    source = zipfile.ZipFile(io.BytesIO(rendered))
    body = source.read("word/document.xml").decode("utf-8")
    data: dict[str, str] = {}
    for text in sorted(set(texts(context)), key=len, reverse=True):
        escaped = escape(text)
        if len(text) >= 2 and escaped in body:
            tag = f"t{len(data)}"
            body = body.replace(escaped, "{" + tag + "}", 1)
            data[tag] = text
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for item in source.infolist():
            package.writestr(item, body if item.filename == "word/document.xml" else source.read(item))
    return out.getvalue(), data


def timed(render: Callable[[], object], count: int) -> list[float]:
    times = []
    for _ in range(count):
        began = time.perf_counter()
        render()
        times.append((time.perf_counter() - began) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5, help="alternations of the three")
    parser.add_argument("--batch", type=int, default=100, help="renders per renderer and round")
    args = parser.parse_args()

    npm_peers("docxtemplater", "pizzip")
    case = json.loads(SAMPLE.read_text("utf-8"))
    kind, profile = get_kind("reply-letter"), load_profile()
    context = kind.context(docgen.check("reply-letter", case).case, profile)
    template_path = template_dir() / kind.template

    def render_docgen() -> bytes:
        return docgen.render("reply-letter", case, profile).content

    def render_docxtpl() -> bytes:
        template = DocxTemplate(template_path)
        template.render(context)
        out = io.BytesIO()
        template.save(out)
        return out.getvalue()

    work = Path(tempfile.mkdtemp(prefix="docgen-bench-"))
    template, data = docxtemplater_letter(render_docgen(), context)
    (work / "letter-template.docx").write_bytes(template)
    (work / "data.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    driver = node("render_vs_peers.js", DOCXTEMPLATER_DRIVER, str(work / "letter-template.docx"), str(work / "data.json"))
    if ask(driver, None) != "ready":
        sys.exit("the docxtemplater driver did not start")

    times: dict[str, list[float]] = {"docgen": [], "docxtpl": [], "docxtemplater": []}
    timed(render_docgen, 20), timed(render_docxtpl, 20), ask(driver, "50")  # warm-up
    for round_number in range(args.rounds):
        times["docgen"] += timed(render_docgen, args.batch)
        times["docxtpl"] += timed(render_docxtpl, args.batch)
        times["docxtemplater"] += json.loads(ask(driver, str(args.batch)))
        print(f"round {round_number + 1}: " + ", ".join(
            f"{name} {statistics.median(values[-args.batch:]):.2f} ms" for name, values in times.items()), file=sys.stderr)
    close(driver)

    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"render the one-page reply letter to .docx, in-process ({args.rounds} × {args.batch} each, alternating)")
    print(f"  docgen.render():                 median {medians['docgen']:.2f} ms")
    print(f"  plain docxtpl, same template:    median {medians['docxtpl']:.2f} ms   "
          f"ratio docgen / docxtpl {medians['docgen'] / medians['docxtpl']:.2f}")
    print(f"  docxtemplater, {len(data)} tags:         median {medians['docxtemplater']:.2f} ms   "
          f"ratio docgen / docxtemplater {medians['docgen'] / medians['docxtemplater']:.2f}")
    print("  target: docgen ≤ 2 ms")


if __name__ == "__main__":
    main()
