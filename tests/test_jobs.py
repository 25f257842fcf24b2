"""Issue 17: batch jobs kept in a store on disk — resumed after a restart or a kill, shared by
several processes, cancelled, and announced to a signed completion callback."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SAMPLES
from test_batch import BlankPdfConverter
from test_faults import free_port
from docgen import batch
from docgen.cli import main
from docgen.jobs import JobRunner, JobSpec, JobStore, RunnerSettings, job_request, run_job
from docgen.jobs.store import claimer_name
from docgen.profile import load_profile
from docgen.settings import load_settings
from docgen.web import create_app
from docgen.web.batch import error_body

KIND = "reply-letter"
LETTERS = sorted(p for p in (SAMPLES / KIND).glob("*.json") if not p.with_suffix(".toml").exists())


def letters(count: int) -> list[dict]:
    """``count`` valid reply letters, each with its own item number."""
    out = []
    for n in range(count):
        case = json.loads(LETTERS[n % len(LETTERS)].read_text("utf-8"))
        case["item_number"] = 1000 + n
        out.append(case)
    return out


def wait_for(read, until, timeout: float = 60, every: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = read()
        if until(value):
            return value
        time.sleep(every)
    raise AssertionError(f"not reached in {timeout} s: {value}")


def new_job(store: JobStore, cases: list[dict], output: str = "zip") -> str:
    spec = JobSpec(KIND, output, "docx", False, False, len(cases))
    return store.create(spec, job_request(cases, None)).id


# --- the store -----------------------------------------------------------------------------------


def test_a_document_stored_twice_is_kept_once_and_counts_once(tmp_path):
    store = JobStore(tmp_path)
    job_id = new_job(store, letters(3))
    store.put_document(job_id, 1, "a.docx", "application/octet-stream", b"first")
    store.put_document(job_id, 1, "a.docx", "application/octet-stream", b"again")
    assert store.get(job_id).done == 1
    assert [(d.index, d.content) for d in store.documents(job_id)] == [(1, b"again")]
    assert not [p for p in (store.folder(job_id) / "documents").iterdir() if p.name.startswith(".")]


def test_a_resumed_job_renders_only_the_documents_not_stored_yet(tmp_path, monkeypatch):
    store = JobStore(tmp_path)
    job_id = new_job(store, letters(4))
    store.put_document(job_id, 0, "kept-0.docx", "application/octet-stream", b"rendered before the crash 0")
    store.put_document(job_id, 2, "kept-2.docx", "application/octet-stream", b"rendered before the crash 2")
    rendered: list[int] = []
    real = batch.render_documents

    def counting(plan, indices, *args, **kwargs):
        rendered.extend(indices)
        return real(plan, indices, *args, **kwargs)

    monkeypatch.setattr(batch, "render_documents", counting)
    run_job(store, job_id, profile=load_profile(), converter=None, describe=error_body, carry_on=lambda: True)
    assert rendered == [1, 3]
    job = store.get(job_id)
    assert job.state == "done" and job.done == job.total == 4
    archive = zipfile.ZipFile(io.BytesIO(store.result(job_id)))
    contents = {name: archive.read(name) for name in archive.namelist()}
    assert b"rendered before the crash 0" in contents.values() and b"rendered before the crash 2" in contents.values()
    assert len(contents) == 5 and not (store.folder(job_id) / "documents").exists()


def test_a_live_claim_keeps_other_runners_out_until_it_lapses(tmp_path):
    store = JobStore(tmp_path)
    job_id = new_job(store, letters(1))
    first, second = claimer_name(), claimer_name()
    assert store.claim(job_id, first, lease=0.5)
    assert not store.claim(job_id, second, lease=0.5)
    time.sleep(0.6)
    assert store.claim(job_id, second, lease=30)
    assert not store.renew(job_id, first, lease=30)  # the first learns it lost the job


def test_the_claim_of_a_dead_process_lapses_at_once(tmp_path):
    store = JobStore(tmp_path)
    job_id = new_job(store, letters(1))
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    host = claimer_name().split(":")[0]
    assert store.claim(job_id, f"{host}:{dead.stdout.strip()}:gone", lease=3600)
    assert store.claim(job_id, claimer_name(), lease=30)


def test_two_runners_on_one_store_run_each_job_once(tmp_path):
    store = JobStore(tmp_path)
    ids = [new_job(store, letters(2)) for _ in range(6)]
    runs: list[str] = []

    def work(job_id, carry_on):
        runs.append(job_id)
        run_job(store, job_id, profile=load_profile(), converter=None, describe=error_body, carry_on=carry_on)

    runners = [JobRunner(store, work, RunnerSettings(threads=2, poll=0.05)) for _ in range(2)]
    for runner in runners:
        runner.start()
    try:
        wait_for(lambda: [store.get(i).state for i in ids], lambda states: set(states) == {"done"})
    finally:
        for runner in runners:
            runner.stop()
    assert sorted(runs) == sorted(ids)


# --- cancellation -----------------------------------------------------------------------------------


@pytest.fixture
def gated(tmp_path):
    converter = BlankPdfConverter()
    converter.gate.clear()
    app = create_app({"TESTING": True, "CONVERTER": converter, "SETTINGS": load_settings(data_dir=tmp_path)})
    yield app.test_client(), converter, app
    converter.gate.set()
    app.extensions["docgen.batch"].runner.stop()


def test_delete_cancels_a_running_job_which_stops_and_keeps_no_documents(gated, tmp_path):
    client, converter, app = gated
    job = client.post("/api/v1/batch/jobs", json={"kind": KIND, "cases": letters(6), "output": "pdf"}).get_json()
    wait_for(lambda: client.get(job["status_url"]).get_json(), lambda s: s["state"] == "running")
    answer = client.delete(job["status_url"])
    assert answer.status_code == 200 and answer.get_json()["state"] == "cancelled"
    converter.gate.set()
    time.sleep(0.5)
    status = client.get(job["status_url"]).get_json()
    assert status["state"] == "cancelled" and "report" not in status
    problem = client.get(job["result_url"])
    assert problem.status_code == 409 and problem.get_json()["code"] == "job_cancelled"
    assert "已取消" in problem.get_json()["detail"]
    folder = tmp_path / "jobs" / job["id"]
    assert not (folder / "documents").exists() and not (folder / "result").exists()
    store = app.extensions["docgen.batch"].store
    assert wait_for(lambda: store.get(job["id"]), lambda j: j.claimed_by is None).state == "cancelled"


def test_delete_removes_a_finished_job_with_its_file(gated, tmp_path):
    client, converter, _ = gated
    converter.gate.set()
    job = client.post("/api/v1/batch/jobs", json={"kind": KIND, "cases": letters(2)}).get_json()
    wait_for(lambda: client.get(job["status_url"]).get_json(), lambda s: s["state"] == "done")
    assert client.delete(job["status_url"]).status_code == 204
    assert client.get(job["status_url"]).status_code == 404
    assert client.delete(job["status_url"]).get_json()["code"] == "unknown_job"
    assert not (tmp_path / "jobs" / job["id"]).exists()


# --- the completion callback ----------------------------------------------------------------------------


class Receiver:
    """A webhook receiver on 127.0.0.1 that answers 500 to the first ``failures`` calls."""

    def __init__(self, failures: int = 0):
        self.calls: list[tuple[dict, bytes]] = []
        self.failures = failures
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.calls.append((dict(self.headers), body))
                self.send_response(500 if len(receiver.calls) <= receiver.failures else 204)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made: list[Receiver] = []

    def make(failures: int = 0) -> Receiver:
        made.append(Receiver(failures))
        return made[-1]

    yield make
    for r in made:
        r.close()


def test_completion_callback_is_retried_and_signed_with_the_jobs_secret(gated, receiver):
    client, converter, app = gated
    converter.gate.set()
    hook = receiver(failures=2)
    answer = client.post("/api/v1/batch/jobs", json={"kind": KIND, "cases": letters(3), "callback_url": hook.url})
    job = answer.get_json()
    assert answer.status_code == 202 and len(job["callback_secret"]) >= 32
    wait_for(lambda: hook.calls, lambda calls: len(calls) == 3, timeout=30)
    time.sleep(0.3)
    assert len(hook.calls) == 3  # delivered on the third attempt, and then no more
    headers, body = hook.calls[-1]
    expected = "sha256=" + hmac.new(job["callback_secret"].encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Docgen-Signature"] == expected and headers["X-Docgen-Job"] == job["id"]
    status = json.loads(body)
    assert status["id"] == job["id"] and status["state"] == "done" and status["counts"]["rendered"] == 3
    assert app.extensions["docgen.batch"].store.get(job["id"]).callback_state == "delivered"


def test_a_failed_job_is_announced_too(gated, receiver):
    client, _, _ = gated
    hook = receiver()
    bad = letters(2)
    bad[1] = {}  # nothing of a letter: errors, so the strict batch fails
    job = client.post("/api/v1/batch/jobs", json={"kind": KIND, "cases": bad, "strict": True, "callback_url": hook.url}).get_json()
    wait_for(lambda: hook.calls, lambda calls: len(calls) == 1, timeout=30)
    status = json.loads(hook.calls[0][1])
    assert status["state"] == "failed" and status["error"]["code"] == "batch_invalid"
    assert client.get(job["status_url"]).get_json()["state"] == "failed"


@pytest.mark.parametrize("url", ["ftp://example.org/x", "hook", "http:///nohost", 42, None, "", "https://\u0101\u00fd\x0f", "http://a:99999/x", " http://a/x"])
def test_a_callback_url_that_is_not_http_is_refused_naming_the_field(client, url):
    answer = client.post("/api/v1/batch/jobs", json={"kind": KIND, "cases": letters(1), "callback_url": url})
    assert answer.status_code == 400 and answer.get_json()["code"] == "bad_request"
    assert "完成回调地址（callback_url）" in answer.get_json()["detail"]


def test_the_synchronous_batch_takes_no_callback(client):
    answer = client.post("/api/v1/batch", json={"kind": KIND, "cases": letters(1), "callback_url": "http://127.0.0.1/"})
    assert answer.status_code == 400 and "callback_url" in answer.get_json()["detail"]


def test_a_cancelled_job_is_announced_as_cancelled(gated, receiver):
    client, converter, _ = gated
    hook = receiver()
    job = client.post("/api/v1/batch/jobs", json={"kind": KIND, "cases": letters(4), "output": "pdf",
                                                  "callback_url": hook.url}).get_json()
    wait_for(lambda: client.get(job["status_url"]).get_json(), lambda s: s["state"] == "running")
    assert client.delete(job["status_url"]).status_code == 200
    converter.gate.set()
    wait_for(lambda: hook.calls, lambda calls: len(calls) == 1, timeout=30)
    assert json.loads(hook.calls[0][1])["state"] == "cancelled"


# --- set-up problems -------------------------------------------------------------------------------------


def test_serve_with_a_data_dir_that_cannot_be_used_exits_2_naming_the_setting(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    result = CliRunner().invoke(main, ["serve", "--port", str(free_port()), "--data-dir", str(blocker / "jobs")])
    assert result.exit_code == 2
    assert "批量任务数据目录" in result.stderr and "data_dir" in result.stderr and "Traceback" not in result.stderr


def test_a_job_is_refused_with_503_and_not_kept_when_the_queue_cannot_be_reached(tmp_path):
    settings = load_settings(data_dir=tmp_path, job_backend="celery", broker_url=f"redis://127.0.0.1:{free_port()}/0")
    app = create_app({"TESTING": True, "SETTINGS": settings})
    answer = app.test_client().post("/api/v1/batch/jobs", json={"kind": KIND, "cases": letters(1)})
    assert answer.status_code == 503 and answer.get_json()["code"] == "queue_unavailable"
    assert "broker_url" in answer.get_json()["detail"]
    assert app.extensions["docgen.batch"].store.unfinished() == [] and not list((tmp_path / "jobs").iterdir())


def test_a_callback_left_undelivered_by_a_stopped_process_is_made_by_the_next(tmp_path, receiver):
    store = JobStore(tmp_path)
    hook = receiver()
    spec = JobSpec(KIND, "zip", "docx", False, False, 1, callback_url=hook.url, callback_secret="s" * 43)
    job_id = store.create(spec, job_request(letters(1), None)).id
    run_job(store, job_id, profile=load_profile(), converter=None, describe=error_body, carry_on=lambda: True)
    assert store.get(job_id).state == "done" and store.get(job_id).callback_state == "pending"
    runner = JobRunner(store, lambda *_: pytest.fail("a finished job is not run again"), RunnerSettings(poll=0.05))
    runner.start()
    try:
        wait_for(lambda: store.get(job_id).callback_state, lambda state: state == "delivered", timeout=30)
    finally:
        runner.stop()
    assert [json.loads(body)["state"] for _, body in hook.calls] == ["done"]
