"""A CLI batch renders its .docx on every core: forked workers give the same .zip as one process,
only where forking is safe and worth it, and a dead worker or Ctrl-C stops the batch cleanly.

The parallel path forks, so it runs in a fresh, single-threaded Python process here: pytest's
own process holds threads (the session's LibreOffice pool), which is exactly where the batch
must not fork."""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLES
from docgen import batch
from docgen.batch import parallel, run

KIND = "reply-letter"
CORES = len(os.sched_getaffinity(0))
# Enough cases for two workers, and for a worker on every core: four in five are valid.
TWO_WORKERS = 2 * parallel.MIN_DOCUMENTS_PER_WORKER * 5 // 4
ENOUGH = max(TWO_WORKERS, 2 * parallel.MIN_DOCUMENTS_PER_WORKER * CORES)
ENOUGH_INVALID = len(range(2, ENOUGH, 5))

# In the child Python: SIGINT handled as at a terminal (Python leaves it ignored when the test
# runner was started with it ignored, as a shell's background job is), and service.render_checked
# wrapped so that each render appends its process id to $PIDS, a forked worker kills itself
# (SIGKILL) at its $KILL_AT-th render, and every render takes $SLOW seconds more. The workers
# inherit the wrapper through the fork.
HOOKS = """
import os, signal, sys, time
signal.signal(signal.SIGINT, signal.default_int_handler)
from docgen import service

_parent, _counts, _real = os.getpid(), {}, service.render_checked

def _render_checked(result, **kwargs):
    pid = os.getpid()
    _counts[pid] = _counts.get(pid, 0) + 1
    if os.environ.get("PIDS"):
        with open(os.environ["PIDS"], "a") as out:
            out.write(f"{pid}\\n")
    if pid != _parent and _counts[pid] == int(os.environ.get("KILL_AT", "0")):
        os.kill(pid, signal.SIGKILL)
    time.sleep(float(os.environ.get("SLOW", "0")))
    return _real(result, **kwargs)

service.render_checked = _render_checked
"""

CLI = HOOKS + """
from docgen.cli import main
main(sys.argv[1:], prog_name="docgen")
"""

# Both ways in one process, the clocks of the zip members frozen so that bytes can be compared.
SERIAL_AND_PARALLEL = HOOKS + """
import datetime, json, types
from pathlib import Path
from docgen import batch, docx_package
from docgen.batch import output

docx_package.time = types.SimpleNamespace(localtime=lambda: (2025, 3, 1, 9, 30, 0, 5, 60, 0))
output.dt = types.SimpleNamespace(datetime=types.SimpleNamespace(now=lambda: datetime.datetime(2025, 3, 1, 9, 30)))
cases, out = json.loads(Path(sys.argv[1]).read_text("utf-8")), Path(sys.argv[2])
for name, workers in (("serial", 1), ("parallel", int(sys.argv[3]))):
    os.environ["PIDS"] = str(out / f"{name}.pids")
    result = batch.run_batch("reply-letter", cases, output="zip", workers=workers)
    (out / f"{name}.zip").write_bytes(result.content)
    (out / f"{name}.json").write_text(json.dumps([result.filename, result.summary, result.report], ensure_ascii=False))
"""


def cycled_cases(count: int) -> list[dict]:
    """samples/batch/reply-letters.json (four valid cases and one invalid) over and over."""
    cases = json.loads((SAMPLES / "batch" / "reply-letters.json").read_text("utf-8"))
    return list(itertools.islice(itertools.cycle(cases), count))


def write_cases(directory: Path, count: int) -> Path:
    path = directory / "cases.json"
    path.write_text(json.dumps(cycled_cases(count), ensure_ascii=False), "utf-8")
    return path


def python(script: str, *args: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,  # its own process group, as a command typed at a terminal has
    )


def finish(process: subprocess.Popen, within: float = 120) -> tuple[int, str]:
    _, stderr = process.communicate(timeout=within)
    return process.returncode, stderr


def pids(path: Path) -> list[int]:
    return [int(line) for line in path.read_text().split()] if path.exists() else []


def processes_naming(marker: str) -> list[int]:
    """Processes whose command line contains ``marker`` (a test's own temporary directory)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and marker in (entry / "cmdline").read_bytes().decode("utf-8", "replace"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


# --- the same output ---------------------------------------------------------------------------------


def test_parallel_zip_is_byte_identical_to_serial_with_invalid_cases_too(tmp_path):
    cases = write_cases(tmp_path, TWO_WORKERS)  # the same items repeated, so names get （2）, （3）…
    code, stderr = finish(python(SERIAL_AND_PARALLEL, str(cases), str(tmp_path), "2"))
    assert code == 0, stderr
    assert set(pids(tmp_path / "serial.pids")) == {min(pids(tmp_path / "serial.pids"))}
    assert len(set(pids(tmp_path / "parallel.pids"))) == 3  # this process (the first letter) and two workers
    serial, forked = (tmp_path / "serial.zip").read_bytes(), (tmp_path / "parallel.zip").read_bytes()
    assert forked == serial
    filename, summary, report = json.loads((tmp_path / "parallel.json").read_text("utf-8"))
    assert [filename, summary, report] == json.loads((tmp_path / "serial.json").read_text("utf-8"))
    invalid = len(range(2, TWO_WORKERS, 5))
    assert summary == f"rendered={TWO_WORKERS - invalid}; invalid={invalid}"
    assert [entry["index"] for entry in report] == list(range(TWO_WORKERS))
    assert sum(1 for entry in report if entry["filename"] and "（2）" in entry["filename"]) == 4


# The 6th case (item 901) fails a second late, the 7th (item 902) at once: the workers rendering
# them (two, unless one chunk holds both) report 902 first, where the serial path raises 901.
FAILING_RENDER = HOOKS + """
import json
from pathlib import Path
from docgen import batch

def _failing(result, **kwargs):
    document = _render_checked(result, **kwargs)
    if result.case.item_number == 901:
        time.sleep(1)
    if result.case.item_number in (901, 902):
        raise ValueError(f"第{result.case.item_number}号建议无法生成")
    return document

service.render_checked = _failing
cases, errors = json.loads(Path(sys.argv[1]).read_text("utf-8")), []
cases[5]["item_number"], cases[6]["item_number"] = 901, 902
for workers in (1, 2):
    try:
        batch.run_batch("reply-letter", cases, output="zip", workers=workers)
    except Exception as exc:
        errors.append([type(exc).__name__, str(exc)])
print(json.dumps(errors, ensure_ascii=False))
"""


def test_a_render_that_raises_in_a_worker_raises_the_serial_paths_error(tmp_path):
    cases = write_cases(tmp_path, TWO_WORKERS)
    process = python(FAILING_RENDER, str(cases), PIDS=str(tmp_path / "pids"))
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    serial, forked = json.loads(stdout)
    assert serial == forked == ["ValueError", "第901号建议无法生成"]
    assert len(set(pids(tmp_path / "pids"))) >= 2  # the parallel run did render in a worker


# --- where it forks, and where it does not -------------------------------------------------------------


def test_a_single_threaded_process_forks_a_worker_for_each_share_of_enough_documents_up_to_the_workers_offered(monkeypatch):
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 1)
    assert parallel.worker_count(2, parallel.MIN_DOCUMENTS_PER_WORKER * 2 - 1) == 1
    assert parallel.worker_count(2, parallel.MIN_DOCUMENTS_PER_WORKER * 2) == 2
    assert parallel.worker_count(8, parallel.MIN_DOCUMENTS_PER_WORKER * 3) == 3
    assert parallel.worker_count(2, 500) == 2
    assert parallel.worker_count(1, 500) == 1


def test_a_process_with_another_thread_never_forks():
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert parallel.worker_count(2, 500) == 1
    finally:
        stop.set()
        other.join()


@pytest.mark.parametrize("call", [
    lambda cases: batch.run_batch(KIND, cases, output="zip"),
    lambda cases: batch.run_batch(KIND, cases, output="zip", workers=1),
], ids=["default", "one-worker"])
def test_without_workers_offered_the_batch_renders_in_the_calling_process(monkeypatch, call):
    """The web face and the job runner call run_batch without ``workers``: they never fork."""
    def no_fork(*args, **kwargs):
        raise AssertionError("forked")

    monkeypatch.setattr(run, "render_forked", no_fork)
    assert call(cycled_cases(TWO_WORKERS)).rendered == TWO_WORKERS - len(range(2, TWO_WORKERS, 5))


def test_pdf_documents_and_the_merged_pdf_are_rendered_in_the_calling_process(monkeypatch, pool):
    def no_fork(*args, **kwargs):
        raise AssertionError("forked")

    monkeypatch.setattr(run, "render_forked", no_fork)
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 1)  # as if single-threaded
    cases = cycled_cases(5)
    assert batch.run_batch(KIND, cases, output="zip", document_format="pdf", converter=pool, workers=2).rendered == 4
    assert batch.run_batch(KIND, cases, output="pdf", converter=pool, workers=2).rendered == 4


# --- the command line ----------------------------------------------------------------------------------


@pytest.mark.skipif(CORES < 2, reason="one usable core: nothing to spread over")
def test_the_cli_renders_on_every_usable_core(tmp_path):
    cases, target, seen = write_cases(tmp_path, ENOUGH), tmp_path / "letters.zip", tmp_path / "pids"
    code, stderr = finish(python(CLI, "batch", KIND, str(cases), "-o", str(target), PIDS=str(seen)))
    assert code == 1, stderr  # the invalid cases
    assert f"{ENOUGH - ENOUGH_INVALID} 件文书；{ENOUGH_INVALID} 件未通过检查" in stderr
    assert len(set(pids(seen))) == 1 + CORES  # the CLI's process (the first letter) and a worker per core


def test_the_cli_renders_in_its_own_process_when_it_may_use_one_core(tmp_path):
    cases, target, seen = write_cases(tmp_path, ENOUGH), tmp_path / "letters.zip", tmp_path / "pids"
    process = subprocess.Popen(
        ["taskset", "-c", str(min(os.sched_getaffinity(0))), sys.executable, "-c", CLI,
         "batch", KIND, str(cases), "-o", str(target)],
        env={**os.environ, "PYTHONPATH": str(ROOT), "PIDS": str(seen)},
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    code, stderr = finish(process)
    assert code == 1, stderr
    assert len(pids(seen)) == ENOUGH - ENOUGH_INVALID and len(set(pids(seen))) == 1


@pytest.mark.skipif(CORES < 2, reason="one usable core: the CLI does not fork")
def test_a_worker_killed_mid_batch_is_a_clear_error_and_no_file(tmp_path):
    cases, target = write_cases(tmp_path, ENOUGH), tmp_path / "letters.zip"
    before = sorted(tmp_path.iterdir())
    code, stderr = finish(python(CLI, "batch", KIND, str(cases), "-o", str(target), KILL_AT="3"))
    assert code == 4, stderr
    assert "docgen：生成文书的子进程" in stderr and "被信号 SIGKILL 终止" in stderr and "整批未生成" in stderr
    assert "Traceback" not in stderr
    assert sorted(tmp_path.iterdir()) == before
    assert processes_naming(str(tmp_path)) == []


@pytest.mark.skipif(CORES < 2, reason="one usable core: the CLI does not fork")
def test_ctrl_c_stops_the_workers_and_writes_no_file(tmp_path):
    cases, target = write_cases(tmp_path, ENOUGH), tmp_path / "letters.zip"
    before = sorted(tmp_path.iterdir())
    process = python(CLI, "batch", KIND, str(cases), "-o", str(target), SLOW="0.2")
    deadline = time.monotonic() + 60
    while len(children(process.pid)) < CORES and time.monotonic() < deadline:
        time.sleep(0.02)
    workers = children(process.pid)
    assert len(workers) == CORES
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C at a terminal does: the whole group
    code, stderr = finish(process, within=30)
    assert code == 1 and "Aborted!" in stderr, stderr
    assert "Traceback" not in stderr
    assert sorted(tmp_path.iterdir()) == before
    assert processes_naming(str(tmp_path)) == []
