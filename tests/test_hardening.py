"""Issue 13's smaller items: settings read one way, staggered recycling, litter, degraded health,
list bounds, download names, file permissions, unreadable forms."""

from __future__ import annotations

import io
import json
import os
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import docgen
from conftest import SAMPLES, load_case
from docgen import converter as converter_module
from docgen.cli import main, write_atomically
from docgen.converter import ConverterPool, PoolSettings, process_group, remove_stale_work_dirs
from docgen.errors import ConfigError
from docgen.settings import load_settings
from docgen.web import create_app
from docgen.web.admission import Admission
from docgen.web.disposition import content_disposition

SHORT = SAMPLES / "reply-letter" / "a-suggestion-bus-shelter.json"


# --- settings ----------------------------------------------------------------------------------


def test_settings_come_from_toml_then_environment_then_flags(tmp_path, monkeypatch):
    toml = tmp_path / "docgen.toml"
    toml.write_text("pdf_timeout = 5\nqueue_size = 3\nconcurrency = 2\n", "utf-8")
    monkeypatch.setenv("DOCGEN_SETTINGS", str(toml))
    monkeypatch.setenv("DOCGEN_PDF_TIMEOUT", "6")
    assert load_settings().queue_size == 3
    assert load_settings().pdf_timeout == 6
    assert load_settings(pdf_timeout=7).pdf_timeout == 7
    assert load_settings(pdf_timeout=None).pdf_timeout == 6  # an unset flag leaves it to the rest
    assert load_settings().threads == 2 + 3 + 2


def test_create_app_reads_the_settings_as_serve_does(monkeypatch):
    monkeypatch.setenv("DOCGEN_PDF_TIMEOUT", "9")
    monkeypatch.setenv("DOCGEN_MAX_REQUEST_BYTES", "2048")
    app = create_app({"TESTING": True})
    assert app.config["CONVERTER"].settings.timeout == 9
    assert app.config["MAX_CONTENT_LENGTH"] == 2048


def test_a_bad_setting_names_its_label_and_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("DOCGEN_PDF_WORKERS", "lots")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert "LibreOffice 转换进程数" in caught.value.message and "DOCGEN_PDF_WORKERS" in caught.value.message
    result = CliRunner().invoke(main, ["render", "reply-letter", str(SHORT), "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2 and "DOCGEN_PDF_WORKERS" in result.output


def test_a_missing_settings_file_is_named(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path / "nowhere.toml")
    assert "nowhere.toml" in caught.value.message


# --- the pool ----------------------------------------------------------------------------------


def test_recycling_is_staggered_and_the_successor_starts_before_the_old_worker_leaves():
    with ConverterPool(PoolSettings(workers=2, max_documents=4)) as own:
        docx = docgen.render("reply-letter", load_case(SHORT)).content
        first = own.worker_pids()
        lowest_alive = [2]
        done = threading.Event()

        def watch() -> None:
            while not done.is_set():
                lowest_alive[0] = min(lowest_alive[0], own.status()["alive"])
                time.sleep(0.02)

        watcher = threading.Thread(target=watch)
        watcher.start()
        gone_at: dict[int, int] = {}
        try:
            for step in range(1, 40):
                own.convert(docx)
                for pid in first:
                    if pid not in own.worker_pids():
                        gone_at.setdefault(pid, step)
                if len(gone_at) == 2:
                    break
                time.sleep(0.2)  # time for a successor to boot between documents
        finally:
            done.set()
            watcher.join()
        assert len(gone_at) == 2
        assert gone_at[first[0]] < gone_at[first[1]]  # not recycled together
        assert lowest_alive[0] >= 2  # never fewer living workers than configured


def test_stale_worker_directories_of_dead_processes_are_removed_at_start(tmp_path):
    dead = 2 ** 22 + 7  # above pid_max's usual range: no such process
    stale = tmp_path / f"docgen-lo-{dead}-1-abc"
    (stale / "tmp").mkdir(parents=True)
    (stale / "tmp" / "lu123.tmp").write_bytes(b"x")
    pipe = tmp_path / "OSL_PIPE_0_SingleOfficeIPC_test"
    pipe.write_bytes(b"")
    (stale / "pipes").write_text(str(pipe))
    mine = tmp_path / f"docgen-lo-{os.getpid()}-1-def"
    mine.mkdir()
    assert remove_stale_work_dirs(tmp_path) == [stale]
    assert not stale.exists() and not pipe.exists() and mine.exists()


def test_a_conversion_leaves_nothing_outside_the_workers_directory(tmp_path):
    with ConverterPool(PoolSettings(workers=1, work_dir=tmp_path)) as own:
        own.convert(docgen.render("reply-letter", load_case(SHORT)).content)
        (home,) = list(tmp_path.iterdir())
        assert (home / "tmp").is_dir() and (home / "profile").is_dir()
        pipes = (home / "pipes").read_text().split()
        assert pipes and all(Path(p).exists() for p in pipes)
    assert list(tmp_path.iterdir()) == []
    assert not any(Path(p).exists() for p in pipes)


def test_a_stopped_pool_starts_nothing_again():
    own = ConverterPool(PoolSettings(workers=1))
    own.stop()
    with pytest.raises(converter_module.ConverterUnavailable) as caught:
        own.convert(b"")
    assert "正在停止" in caught.value.message
    assert own.worker_pids() == [] and own.status()["state"] == "stopping"


def test_the_draft_watermark_is_cached_by_the_pool_not_the_module():
    calls = []

    class Counting(ConverterPool):
        def convert(self, docx: bytes) -> bytes:
            calls.append(docx)
            return b"%PDF-stamp"

    first, second = Counting(), Counting()
    for _ in range(3):
        assert docgen.service.draft_watermark(first) == b"%PDF-stamp"
    docgen.service.draft_watermark(second)
    assert len(calls) == 2


def test_healthz_is_degraded_503_when_no_worker_can_start(monkeypatch):
    monkeypatch.setattr(converter_module, "UNO_PYTHON", "/nonexistent/python3")
    client = create_app({"TESTING": True, "PDF_WORKERS": 1}).test_client()
    assert client.get("/healthz").status_code == 200  # not tried yet
    assert client.post("/api/v1/documents/reply-letter?format=pdf", json=load_case(SHORT)).status_code == 503
    health = client.get("/healthz")
    assert health.status_code == 503 and health.json["status"] == "degraded"
    assert "LibreOffice" in health.json["pdf"]["problem"]


# --- request bounds ----------------------------------------------------------------------------


def test_a_case_with_more_points_than_a_letter_holds_is_refused_before_rendering(client):
    case = load_case(SHORT)
    case["points"] = case["points"] * 260
    response = client.post("/api/v1/documents/reply-letter?format=pdf", json=case)
    assert response.status_code == 422
    assert [f["code"] for f in response.json["findings"]] == ["schema.too_many"]
    assert response.json["findings"][0]["path"] == "points"


def test_the_schemas_publish_their_list_bounds(client):
    schema = client.get("/api/v1/kinds/reply-letter").json["schema"]
    assert schema["properties"]["points"]["maxItems"] == 50


def test_the_queue_is_bounded_with_503_and_retry_after(monkeypatch):
    monkeypatch.setenv("DOCGEN_CONCURRENCY", "1")
    monkeypatch.setenv("DOCGEN_QUEUE_SIZE", "0")
    app = create_app({"TESTING": True})
    admission = app.extensions["docgen.admission"]
    assert admission.enter(1)
    try:
        response = app.test_client().post("/api/v1/documents/reply-letter", json=load_case(SHORT))
    finally:
        admission.leave()
    assert response.status_code == 503 and response.json["code"] == "busy"
    assert int(response.headers["Retry-After"]) >= 1
    assert app.test_client().post("/api/v1/documents/reply-letter", json=load_case(SHORT)).status_code == 200


def test_waiting_in_the_queue_counts_against_the_deadline(monkeypatch):
    monkeypatch.setenv("DOCGEN_CONCURRENCY", "1")
    monkeypatch.setenv("DOCGEN_REQUEST_TIMEOUT", "0.5")
    app = create_app({"TESTING": True})
    admission = app.extensions["docgen.admission"]
    assert admission.enter(1)
    began = time.monotonic()
    try:
        response = app.test_client().post("/api/v1/documents/reply-letter", json=load_case(SHORT))
    finally:
        admission.leave()
    assert response.status_code == 503 and 0.4 < time.monotonic() - began < 2


def test_slots_go_to_waiting_requests_in_the_order_they_came_and_no_newcomer_overtakes():
    admission = Admission(concurrency=1, queue_size=8)
    assert admission.enter(1)
    admitted: list[int] = []

    def until(condition) -> None:
        deadline = time.monotonic() + 5
        while not condition():
            assert time.monotonic() < deadline
            time.sleep(0.005)

    waiters = []
    for n in range(5):
        waiters.append(threading.Thread(target=lambda n=n: admission.enter(10) and admitted.append(n)))
        waiters[-1].start()
        until(lambda n=n: admission.waiting == n + 1)
    admission.leave()
    until(lambda: admitted == [0])
    assert not admission.enter(0.05)  # the queue is not empty: a newcomer waits its turn, here in vain
    assert admission.waiting == 4  # and gave its place up when its time ran out
    for count in range(2, 6):
        admission.leave()
        until(lambda count=count: len(admitted) == count)
    assert admitted == [0, 1, 2, 3, 4] and admission.active == 1
    for waiter in waiters:
        waiter.join()


# --- small ones --------------------------------------------------------------------------------


def test_content_disposition_names_no_directory():
    header = content_disposition("../../x.docx", "../reply-letter.docx")
    assert "/" not in header and "%2F" not in header and ".." not in header
    assert "filename*=UTF-8''x.docx" in header


def test_a_title_with_a_path_downloads_under_a_plain_name(client):
    case = json.loads((SAMPLES / "annual-summary" / "jianshe-2024.json").read_text("utf-8"))
    case["title"] = "../../x"
    response = client.post("/api/v1/documents/annual-summary", json=case)
    assert response.status_code == 200
    assert "filename*=UTF-8''x.docx" in response.headers["Content-Disposition"]


def test_cli_output_files_follow_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        write_atomically(tmp_path / "shared.docx", b"x")
        os.umask(0o002)
        write_atomically(tmp_path / "group.docx", b"x")
    finally:
        os.umask(old)
    assert (tmp_path / "shared.docx").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "group.docx").stat().st_mode & 0o777 == 0o664


def test_a_multipart_body_with_a_wrong_boundary_is_400(client):
    body = b'--right\r\nContent-Disposition: form-data; name="ledger"; filename="a.csv"\r\n\r\nx\r\n--right--\r\n'
    response = client.post("/api/v1/ledger/stats", data=body, content_type="multipart/form-data; boundary=wrong")
    assert response.status_code == 400 and response.json["code"] == "bad_request"
    assert "wrong" in response.json["detail"]


def test_a_malformed_workbook_is_422_naming_the_file(client):
    response = client.post("/api/v1/ledger/stats", content_type="multipart/form-data",
                           data={"ledger": (io.BytesIO(b"PK\x03\x04garbage"), "台账.xlsx")})
    assert response.status_code == 422 and "台账.xlsx" in response.json["detail"]


@pytest.mark.parametrize("form", [
    {"ledger_json": "{not json"},
    {"ledger_json": '{"rows": 1}', "_action": "docx"},
    {"ledger_json": "[]", "_action": "remove:x"},
    {"_action": "remove:99"},
])
def test_summary_page_answers_a_tampered_form_without_500(client, form):
    response = client.post("/summary", data=form)
    assert response.status_code in (200, 422)
    assert "服务内部错误" not in response.get_data(as_text=True)


def test_workers_of_a_killed_docgen_remove_their_directories_by_themselves(tmp_path):
    import signal
    import subprocess
    import sys

    code = ("from docgen.converter import ConverterPool, PoolSettings; import time, pathlib, sys; "
            f"pool = ConverterPool(PoolSettings(workers=1, work_dir=pathlib.Path({str(tmp_path)!r}))); pool.start(); "
            "print(open(next(pathlib.Path(sys.argv[1]).glob('*/pipes'))).read(), flush=True); time.sleep(120)")
    parent = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    pipes = parent.stdout.readline().split()
    assert pipes and list(tmp_path.iterdir())
    os.kill(parent.pid, signal.SIGKILL)  # no chance to clean up
    parent.wait()
    until = time.monotonic() + 15
    while list(tmp_path.iterdir()) and time.monotonic() < until:
        time.sleep(0.3)
    assert list(tmp_path.iterdir()) == []
    assert not any(Path(p).exists() for p in pipes)


def test_a_worker_whose_driver_was_killed_leaves_no_libreoffice_when_stopped(tmp_path):
    """The driver (uno_worker.py) leads the worker's process group; when it dies first,
    stopping the pool still takes LibreOffice, its orphaned child, along."""
    import signal

    pool = ConverterPool(PoolSettings(workers=1, work_dir=tmp_path))
    pool.start()
    try:
        driver = pool.worker_pids()[0]
        assert len(process_group(driver)) > 1  # the driver and LibreOffice
        os.kill(driver, signal.SIGKILL)
        time.sleep(0.5)
        assert process_group(driver)  # LibreOffice outlives its driver
    finally:
        pool.stop()
    until = time.monotonic() + 10
    while process_group(driver) and time.monotonic() < until:
        time.sleep(0.2)
    assert process_group(driver) == []
