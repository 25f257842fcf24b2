"""Issue 17 against real `docgen serve` processes: a job survives kill -9 of its server, and
several servers on one machine share the job store (any answers for any job, and one takes
over the jobs of another that was killed)."""

from __future__ import annotations

import io
import json
import time
import urllib.request
import zipfile

from test_faults import Server, server_factory  # noqa: F401 — the fixture that stops the servers
from test_jobs import letters, wait_for

COUNT = 30  # PDF letters a batch: long enough to be killed midway on one LibreOffice worker


def status(server: Server, job_id: str) -> dict:
    return server.get(f"/api/v1/batch/jobs/{job_id}", timeout=10)[2]


def submit(server: Server, count: int = COUNT) -> str:
    body = json.dumps({"kind": "reply-letter", "cases": letters(count), "output": "zip", "document_format": "pdf"})
    code, _, answer = server.post("/api/v1/batch/jobs", body.encode("utf-8"))
    assert code == 202, answer
    return json.loads(answer)["id"]


def result(server: Server, job_id: str) -> zipfile.ZipFile:
    with urllib.request.urlopen(f"{server.base}/api/v1/batch/jobs/{job_id}/result", timeout=30) as answer:
        return zipfile.ZipFile(io.BytesIO(answer.read()))


def started(server_factory, data_dir) -> Server:
    server = server_factory("--pdf-workers", "1", "--job-lease", "30", env={"DOCGEN_DATA_DIR": str(data_dir)})
    server.wait_for_workers(1)
    return server


def assert_complete(archive: zipfile.ZipFile, count: int = COUNT) -> None:
    names = archive.namelist()
    assert len(names) == count + 1 and names[-1] == "报告.json"
    assert all(archive.read(name).startswith(b"%PDF") for name in names[:-1])
    assert sorted(int(name.split("号")[0][1:]) for name in names[:-1]) == list(range(1000, 1000 + count))


def test_kill_9_of_the_server_mid_batch_and_a_restart_completes_the_job(server_factory, tmp_path):
    first = started(server_factory, tmp_path)
    job_id = submit(first)
    before = wait_for(lambda: status(first, job_id), lambda s: s["done"] >= 5, every=0.1)
    first.process.kill()  # SIGKILL: no chance to give anything up
    first.process.wait()
    kept = before["done"]
    assert kept < COUNT

    second = started(server_factory, tmp_path)
    seen = wait_for(lambda: status(second, job_id), lambda s: s["state"] != "queued", every=0.1)
    assert seen["done"] >= kept  # the documents stored before the kill are still counted
    final = wait_for(lambda: status(second, job_id), lambda s: s["state"] in ("done", "failed"), timeout=120, every=0.2)
    assert final["state"] == "done" and final["counts"] == {"total": COUNT, "rendered": COUNT, "invalid": 0}
    assert_complete(result(second, job_id))
    assert second.terminate() < 15


def test_two_servers_share_jobs_and_one_finishes_the_job_of_the_other_killed(server_factory, tmp_path):
    one, two = started(server_factory, tmp_path), started(server_factory, tmp_path)
    small = submit(one, 3)
    done = wait_for(lambda: status(two, small), lambda s: s["state"] == "done", timeout=60, every=0.1)
    assert done == status(one, small)  # either answers for the job
    assert result(two, small).read("报告.json") == result(one, small).read("报告.json")

    job_id = submit(one)
    wait_for(lambda: status(two, job_id), lambda s: s["done"] >= 3, every=0.1)
    one.process.kill()
    one.process.wait()
    final = wait_for(lambda: status(two, job_id), lambda s: s["state"] in ("done", "failed"), timeout=120, every=0.2)
    assert final["state"] == "done" and final["done"] == COUNT
    assert_complete(result(two, job_id))
    assert two.terminate() < 15
