"""What a web worker keeps resident (issue 16, the memory row): heavy libraries are loaded by
the documents that need them, not by starting the server."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import ROOT

HEAVY = ["matplotlib", "numpy", "openpyxl", "celery", "pandas"]


def modules_after(code: str) -> set[str]:
    """The modules a fresh interpreter holds after running ``code`` (its apps' data in the
    test's own DOCGEN_DATA_DIR)."""
    out = subprocess.run([sys.executable, "-c", f"{code}\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"],
                         cwd=ROOT, capture_output=True, text=True, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return set(json.loads(out.stdout.splitlines()[-1]))


def test_starting_the_web_face_loads_no_chart_spreadsheet_writer_or_task_queue():
    loaded = modules_after("import docgen.cli, docgen.web\n"
                           "docgen.web.create_app({'CONVERTER': object()})\n"
                           "docgen.formatting.warm_up()")
    assert [name for name in HEAVY if name in loaded] == []


def test_the_chart_and_the_commitments_workbook_load_their_libraries_when_made():
    imported = modules_after("from docgen.kinds.annual_summary import chart")
    drawn = modules_after("import json\n"
                          "from docgen.kinds import get_kind\n"
                          "from docgen.profile import load_profile\n"
                          "kind = get_kind('annual-summary')\n"
                          "case = kind.parse(json.load(open('samples/annual-summary/jianshe-2024.json', encoding='utf-8')))\n"
                          "kind.context(case, load_profile())")
    workbook = modules_after("from docgen.kinds.commitments.workbook import write_workbook")
    assert "matplotlib" not in imported
    assert "matplotlib" in drawn
    assert "openpyxl" in workbook


def test_requests_with_made_up_methods_add_no_metric_series(app):
    client = app.test_client()
    for n in range(20):
        client.open("/api/v1/kinds", method=f"BREW{n}")
        client.open(f"/no-such-page-{n}", method=f"X{n}")
    series = [line for line in client.get("/metrics").get_data(as_text=True).splitlines()
              if line.startswith("docgen_http_requests_total{")]
    assert series == ['docgen_http_requests_total{method="OTHER",route="<unmatched>",status="405"} 20.0',
                      'docgen_http_requests_total{method="OTHER",route="<unmatched>",status="404"} 20.0']


def test_the_arenas_are_limited_and_their_free_memory_is_handed_back_to_the_system():
    code = """
from docgen import allocator

def rss():
    return next(int(line.split()[1]) // 1024 for line in open('/proc/self/status') if line.startswith('VmRSS'))

assert allocator.limit_arenas(2)
# 100 MB in blocks below mmap's threshold, each followed by a small one that is kept, so that
# freeing them leaves holes in the heap rather than a top that glibc trims by itself.
blocks, kept = [], []
for _ in range(1_600):
    blocks.append(bytearray(64_000))
    kept.append(bytearray(600))
del blocks
before = rss()
allocator.release_free_memory()
print(before, rss())
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    before, after = map(int, out.stdout.split())
    assert before - after > 80, (before, after)


def test_long_cell_texts_tried_as_headers_are_not_remembered():
    from docgen.intake import tables

    tables._remembered_header_key.cache_clear()
    assert tables.header_key(" 承办 单位：") == "承办单位"
    long_texts = [f"{n}" + "很长的单元格内容" * 10_000 for n in range(50)]
    assert [tables.header_key(text) for text in long_texts] == [text.lower() for text in long_texts]
    assert tables._remembered_header_key.cache_info().currsize == 1


def test_a_server_process_and_the_workers_it_forks_hand_free_memory_back():
    code = """
import os, threading
from docgen import allocator

allocator.hold_down(every=0.05)
pid = os.fork()
if pid == 0:
    names = [thread.name for thread in threading.enumerate()]
    os.write(1, f"child {names.count(allocator.TRIMMING_THREAD)}\\n".encode())
    os._exit(0)
os.waitpid(pid, 0)
print("parent", [thread.name for thread in threading.enumerate()].count(allocator.TRIMMING_THREAD))
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert sorted(out.stdout.splitlines()) == ["child 1", "parent 1"]
