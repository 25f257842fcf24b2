"""`docgen serve` starts a real server (gunicorn, one web process) with the embedded defaults and answers."""

import gc
import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from conftest import SAMPLES, free_port, open_docx, wait_until, web_processes

from docgen.converter import workers_of
from docgen.kinds import all_kinds
from docgen.profile import load_profile
from docgen.server import WebProcess
from docgen.settings import load_settings


def test_docgen_serve_answers_health_and_renders_a_letter():
    port = free_port()
    docgen_script = Path(sys.executable).with_name("docgen")
    server = subprocess.Popen([str(docgen_script), "serve", "--port", str(port)], stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=1) as r:
                    health = json.load(r)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("server did not start")
        assert health["status"] == "ok" and "reply-letter" in health["kinds"]

        body = (SAMPLES / "reply-letter" / "a-suggestion-school-crossing.json").read_bytes()
        request = urllib.request.Request(
            f"{base}/api/v1/documents/reply-letter", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as r:
            assert r.headers["Content-Type"].startswith("application/vnd.openxmlformats")
            assert open_docx(r.read()).paragraphs
        web = web_processes(server.pid)
        assert len(web) == 1  # one web process by default
        assert wait_until(lambda: workers_of(web[0]), within=30)  # its pool started with the service
    finally:
        server.terminate()  # SIGTERM, as a service manager stops it
        server.wait(timeout=20)
    time.sleep(1)
    assert workers_of(web[0]) == []  # the pool stopped its LibreOffice workers
    assert not Path(f"/proc/{web[0]}").exists()


def test_a_warm_web_process_keeps_its_app_out_of_the_collectors_walks(tmp_path):
    """Once warm, what a web process built for its life is frozen: a full collection, which
    stalls every thread, no longer walks it."""
    process = WebProcess(load_settings(data_dir=str(tmp_path / "data"), work_dir=str(tmp_path)), load_profile())
    assert any(o is process.app.url_map for o in gc.get_objects())
    try:
        process._warm_up()
        assert gc.get_freeze_count() > 0
        assert not any(o is process.app.url_map or o is process.app for o in gc.get_objects())
        # Every kind is loaded with its validator built, before the freeze: no first request of
        # a kind pays for them, and they are frozen with the rest.
        models = {id(kind.model) for kind in all_kinds()}
        assert all(kind.model.__pydantic_complete__ for kind in all_kinds())
        assert not any(id(o) in models for o in gc.get_objects())
    finally:
        gc.unfreeze()
