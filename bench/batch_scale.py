"""Batch scaling benchmark: PDF batch throughput of the distributed mode with 1, then 2, `docgen
worker` processes (one LibreOffice each), and of the embedded mode for reference. A script, not
a test.

    .venv/bin/python bench/batch_scale.py [--documents 60] [--workers 1 2] [--no-embedded]

Bounded and loopback-only: redis-server listens on a free port of 127.0.0.1 with a fresh
directory; every worker and redis are stopped at the end. Each measurement first warms every
worker (a small batch, so each LibreOffice has started), then times one job of ``--documents``
PDF reply letters, merged into one PDF, from submission until its file is stored.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from docgen.jobs import JobSpec, JobStore, distributed, job_request
from docgen.profile import load_profile
from docgen.settings import load_settings
from docgen.web import create_app
from docgen.web.batch import error_body, jobs_of
from serving import free_port

ROOT = Path(__file__).resolve().parents[1]
DOCGEN = Path(sys.executable).with_name("docgen")
LETTERS = [ROOT / "samples" / "reply-letter" / name
           for name in ("a-suggestion-bus-shelter.json", "b-suggestion-elevators.json", "c-proposal-metro-line.json")]


def letters(count: int) -> list[dict]:
    out = []
    for n in range(count):
        case = json.loads(LETTERS[n % len(LETTERS)].read_text("utf-8"))
        case["item_number"] = 1000 + n
        out.append(case)
    return out


def wait_done(store: JobStore, job_id: str, timeout: float = 1800) -> float:
    until = time.monotonic() + timeout
    while time.monotonic() < until:
        job = store.get(job_id)
        if job is not None and job.finished_state:
            if job.state != "done":
                raise SystemExit(f"job {job_id} ended {job.state}: {job.error}")
            return time.monotonic()
        time.sleep(0.1)
    raise SystemExit(f"job {job_id} did not finish in {timeout} s")


def timed_job(store: JobStore, start, count: int) -> float:
    """Seconds from submission to the stored file of one merged-PDF job of ``count`` letters."""
    began = time.monotonic()
    job = store.create(JobSpec("reply-letter", "pdf", "pdf", False, False, count), job_request(letters(count), None))
    start(job.id)
    return wait_done(store, job.id) - began


def distributed_run(workers: int, documents: int, folder: Path) -> float:
    port = free_port()
    (folder / "redis").mkdir(parents=True)
    redis = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder / "redis"),
                              "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
    env = {**os.environ, "DOCGEN_JOB_BACKEND": "celery", "DOCGEN_BROKER_URL": f"redis://127.0.0.1:{port}/0",
           "DOCGEN_DATA_DIR": str(folder / "data")}
    processes = []
    try:
        time.sleep(0.5)
        for n in range(workers):
            log = (folder / f"worker-{n}.log").open("wb")
            processes.append(subprocess.Popen([str(DOCGEN), "worker", "--pdf-workers", "1"], env=env, stdout=log,
                                              stderr=subprocess.STDOUT, start_new_session=True))
        settings = load_settings(job_backend="celery", broker_url=env["DOCGEN_BROKER_URL"], data_dir=folder / "data")
        app = distributed.make_celery(settings, load_profile(), error_body)
        store = JobStore(settings.data_dir)
        timed_job(store, lambda job_id: distributed.submit(app, job_id), 4 * workers)  # every LibreOffice up
        return timed_job(store, lambda job_id: distributed.submit(app, job_id), documents)
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        redis.terminate()
        redis.wait()


def embedded_run(documents: int, folder: Path) -> float:
    """The one-machine default: the job runs in the serving process, on its pool of 2 workers."""
    settings = load_settings(data_dir=folder / "embedded", pdf_workers=2, job_threads=1)
    app = create_app({"SETTINGS": settings})
    jobs = jobs_of(app)
    try:
        timed_job(jobs.store, jobs.launch, 4)
        return timed_job(jobs.store, jobs.launch, documents)
    finally:
        jobs.runner.stop()
        app.config["CONVERTER"].stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=60)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--no-embedded", action="store_true")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="docgen-bench-") as scratch:
        for workers in args.workers:
            seconds = distributed_run(workers, args.documents, Path(scratch) / f"celery-{workers}")
            rows.append((f"Celery, {workers} worker process{'es' if workers > 1 else ''} × 1 LibreOffice", seconds))
        if not args.no_embedded:
            rows.append(("embedded (serve's own runner, pool of 2)", embedded_run(args.documents, Path(scratch))))
    print(f"{args.documents} PDF reply letters merged into one PDF, on {os.cpu_count()} cores")
    print("| mode | seconds | documents/s |")
    print("|---|---|---|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.1f} | {args.documents / seconds:.2f} |")


if __name__ == "__main__":
    main()
