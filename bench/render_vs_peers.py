"""Benchmark (not a test): render the one-page reply letter to .docx in-process, docgen against
plain docxtpl and against docxtemplater.

    .venv/bin/python bench/render_vs_peers.py [--rounds 5] [--batch 100] [--before REV]

- docgen: ``docgen.render("reply-letter", case)``: the case checked, its context built, the
  template filled, the .docx bytes out.
- plain docxtpl (PyPI, docgen's own dependency): ``DocxTemplate(template).render(context)`` and
  ``save()`` on docgen's own template and the context docgen builds for the same case.
- docxtemplater (npm, in a throwaway directory, see bench/peers.py) on a comparable letter: docgen's
  rendered letter with each of the context's texts replaced by a ``{tag}``, filled with the same
  texts, from the template's bytes in memory to the .docx bytes (PizZip, DEFLATE).

The three alternate in batches within one run. Prints each median and the ratios.
Target: docgen ≤ 2 ms, and ≤ 0.47 × docxtemplater on a slower machine.

Then the engine alone (``render_docx``, the context built beforehand) on the same letter and on
larger documents, the annual summary with its chart and a six-page reply letter, against plain
docxtpl, and with ``--before REV`` against the engine of that git revision (docgen/engine.py as
it was then, e.g. 6aadb1c, the commit before the fast path), alternating in the same run.
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import io
import json
import os
import statistics
import subprocess
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
from docgen import engine  # noqa: E402
from docgen.engine import render_docx, template_dir  # noqa: E402
from docgen.kinds import get_kind  # noqa: E402
from docgen.profile import load_profile  # noqa: E402
from docx.shared import Mm  # noqa: E402
from docxtpl import DocxTemplate, InlineImage  # noqa: E402

from peers import ask, close, node, npm_peers  # noqa: E402

SAMPLE = ROOT / "samples" / "reply-letter" / "a-suggestion-bus-shelter.json"
SUMMARY = ROOT / "samples" / "annual-summary" / "jianshe-2024.json"
LONG_LETTER = ROOT / "samples" / "reply-letter" / "b-suggestion-elevators.json"

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


def six_page_letter() -> dict[str, Any]:
    """The B-class sample with six more points: six pages (as tests/test_page_rules.py makes it)."""
    case = json.loads(LONG_LETTER.read_text("utf-8"))
    for i in range(6):
        more = copy.deepcopy(case["points"][0])
        more["topic"] = f"关于第{i + 4}个方面的问题"
        case["points"].append(more)
    return case


def engine_at(revision: str) -> Callable[..., bytes]:
    """``render_docx`` of docgen/engine.py as it was at git ``revision``, loaded beside today's
    package (its pictures are today's :class:`docgen.engine.Picture`)."""
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{revision}:docgen/engine.py"],
                            check=True, capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp(prefix="docgen-bench-")) / "engine_before.py"
    path.write_text(source, "utf-8")
    spec = importlib.util.spec_from_file_location("docgen._engine_before", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    module.Picture = engine.Picture
    module.template_dir = template_dir
    return module.render_docx


def engine_alone(rounds: int, batch: int, before: str | None) -> None:
    """The engine alone on the one-page letter, the annual summary (with its chart) and a
    six-page letter."""
    profile = load_profile()
    renderers: dict[str, Callable[..., bytes]] = {"docgen": render_docx}
    if before:
        renderers[f"engine at {before}"] = engine_at(before)

    def docxtpl_render(template_name: str, context: Mapping[str, Any], properties: object) -> bytes:
        template = DocxTemplate(template_dir() / template_name)
        template.render(for_docxtpl(template, context))
        out = io.BytesIO()
        template.save(out)
        return out.getvalue()

    renderers["plain docxtpl"] = docxtpl_render
    for label, kind_name, case in (("one-page reply letter", "reply-letter", json.loads(SAMPLE.read_text("utf-8"))),
                                   ("annual summary with its chart", "annual-summary", json.loads(SUMMARY.read_text("utf-8"))),
                                   ("six-page reply letter", "reply-letter", six_page_letter())):
        result = docgen.check(kind_name, case, profile)
        if not result.ok:
            sys.exit(f"{label}: the case does not pass its checks")
        kind = get_kind(kind_name)
        arguments = (kind.template, kind.context(result.case, profile), kind.properties(result.case))
        times: dict[str, list[float]] = {name: [] for name in renderers}
        for name, render in renderers.items():
            timed(lambda: render(*arguments), 3)  # warm-up
        for _ in range(rounds):
            for name, render in renderers.items():
                times[name] += timed(lambda: render(*arguments), max(1, batch // 5))
        medians = {name: statistics.median(values) for name, values in times.items()}
        print(f"{label}, render_docx with the context built ({rounds} × {max(1, batch // 5)} each, alternating)")
        for name, median in medians.items():
            print(f"  {name + ':':32} median {median:.2f} ms   ratio docgen / this {medians['docgen'] / median:.2f}")


def for_docxtpl(template: DocxTemplate, value: Any) -> Any:
    """The context as plain docxtpl takes it: pictures as its InlineImage."""
    if isinstance(value, engine.Picture):
        return InlineImage(template, io.BytesIO(value.data), width=Mm(value.width_mm))
    if isinstance(value, Mapping):
        return {k: for_docxtpl(template, v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [for_docxtpl(template, v) for v in value]
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5, help="alternations of the three")
    parser.add_argument("--batch", type=int, default=100, help="renders per renderer and round")
    parser.add_argument("--before", metavar="REV", help="also time the engine of this git revision (docgen/engine.py) on each document")
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
    print(f"  load average {' '.join(f'{load:.2f}' for load in os.getloadavg())}")
    engine_alone(args.rounds, args.batch, args.before)


if __name__ == "__main__":
    main()
