"""Issue 13: a real `docgen serve` holds under worker crashes and hangs, load and shutdown.

Each test starts its own server on a free loopback port with the real LibreOffice pool, and
stops it (and checks nothing of it is left) at the end. Shutdown, admission and settings are
checked with one web process and with two; the pool's faults are the same in each web process.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import SAMPLES, free_port, wait_until, web_processes

from docgen.converter import process_group, workers_of

MODES = [pytest.param(1, id="one-process"), pytest.param(2, id="two-processes")]

DOCGEN = Path(sys.executable).with_name("docgen")
LETTER = (SAMPLES / "reply-letter" / "b-suggestion-elevators.json").read_bytes()
SHORT = (SAMPLES / "reply-letter" / "a-suggestion-bus-shelter.json").read_bytes()
REQUEST_TIMEOUT = 15.0
# Time for a response to travel back after the server's deadline, on a loaded 2-core machine.
SLACK = 2.0


class Server:
    def __init__(self, *flags: str, env: dict[str, str] | None = None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.data_dir = tempfile.mkdtemp(prefix="docgen-data-")  # its own job store, unless env names one
        self.process = subprocess.Popen(
            [str(DOCGEN), "serve", "--port", str(self.port), *flags],
            env={**os.environ, "DOCGEN_DATA_DIR": self.data_dir, **(env or {})},
            stderr=subprocess.PIPE, text=True,
            start_new_session=True,  # a process group of its own, as a terminal gives it
        )

    def get(self, path: str, timeout: float = 5) -> tuple[int, dict, dict]:
        try:
            with urllib.request.urlopen(self.base + path, timeout=timeout) as r:
                return r.status, dict(r.headers), json.load(r)
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), json.load(e)

    def post(self, path: str, body: bytes, timeout: float = 60) -> tuple[int, dict, bytes]:
        request = urllib.request.Request(self.base + path, data=body, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def wait_for_workers(self, count: int, within: float = 90) -> dict:
        """Wait until every web process reports ``count`` LibreOffice workers alive and idle (each
        /healthz is answered by one process, and names it); the last health seen."""
        until = time.monotonic() + within
        ready: set[int] = set()
        while time.monotonic() < until:
            try:
                status, _, health = self.get("/healthz", timeout=2)
                if health["pdf"]["alive"] >= count and health["pdf"]["idle"] >= count:
                    ready.add(health["process"])
                if ready >= set(self.web_processes()):
                    return health
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"the server's {count} workers did not come up")

    def web_processes(self) -> list[int]:
        """The processes that serve requests: gunicorn's workers."""
        return web_processes(self.process.pid)

    def workers(self) -> list[int]:
        return [w for web in self.web_processes() for w in workers_of(web)]

    def terminate(self, within: float = 20) -> float:
        """SIGTERM, as a service manager stops it; the seconds until it has exited."""
        began = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=within)
        return time.monotonic() - began

    def interrupt(self, within: float = 20) -> float:
        """Ctrl-C in its terminal: SIGINT to every process of its group at once."""
        began = time.monotonic()
        os.killpg(self.process.pid, signal.SIGINT)
        self.process.wait(timeout=within)
        return time.monotonic() - began

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def server_factory():
    started: list[Server] = []

    def make(*flags: str, env: dict[str, str] | None = None) -> Server:
        server = Server(*flags, env=env)
        started.append(server)
        return server

    yield make
    for server in started:
        server.kill()
        shutil.rmtree(server.data_dir, ignore_errors=True)


def leftovers(server_pid: int, *web_pids: int) -> list[str]:
    """What a server with this pid (and these web processes) could have left behind in /tmp: the
    LibreOffice workers' directories, and the metrics directory of several processes."""
    return [p.name for pid in (server_pid, *web_pids) for p in Path("/tmp").glob(f"docgen-lo-{pid}-*")] + \
        [p.name for p in Path("/tmp").glob(f"docgen-metrics-{server_pid}-*")]


def load(server: Server, clients: int, seconds: float, body: bytes = LETTER) -> list[tuple[int, float]]:
    """``clients`` clients posting PDF requests back to back for ``seconds``: (status, elapsed) each."""
    results: list[tuple[int, float]] = []
    lock = threading.Lock()
    until = time.monotonic() + seconds

    def client() -> None:
        while time.monotonic() < until:
            began = time.monotonic()
            status, _, _ = server.post("/api/v1/documents/reply-letter?format=pdf", body, timeout=REQUEST_TIMEOUT + 30)
            with lock:
                results.append((status, time.monotonic() - began))

    with ThreadPoolExecutor(clients) as pool:
        for _ in range(clients):
            pool.submit(client)
    return results


def fault_server(server_factory) -> Server:
    server = server_factory("--pdf-workers", "2", "--pdf-timeout", "4", "--request-timeout", str(REQUEST_TIMEOUT),
                            "--pdf-health-interval", "2")
    server.wait_for_workers(2)
    return server


def assert_every_request_answered_in_time(results: list[tuple[int, float]]) -> None:
    assert results
    statuses = {status for status, _ in results}
    assert statuses <= {200, 504}, statuses
    assert max(elapsed for _, elapsed in results) <= REQUEST_TIMEOUT + SLACK


def test_office_killed_mid_conversion_under_four_clients_every_request_is_answered(server_factory):
    server = fault_server(server_factory)
    victim = server.workers()[0]
    home = home_of(victim)
    pipes = _noted_pipes(victim)

    def kill_office_soon() -> None:
        time.sleep(2)
        for pid in process_group(victim):
            if pid != victim:  # LibreOffice, not its unoserver: the crash the pool must notice
                os.kill(pid, signal.SIGKILL)

    killer = threading.Thread(target=kill_office_soon)
    killer.start()
    results = load(server, clients=4, seconds=8)
    killer.join()
    assert_every_request_answered_in_time(results)
    assert sum(1 for status, _ in results if status == 200) >= len(results) - 1
    health = server.wait_for_workers(2)
    assert victim not in server.workers() and health["pdf"]["replaced"] >= 1
    assert not home.exists()  # the dead worker's profile and TMPDIR are gone, and its pipe
    assert pipes and not any(Path(p).exists() for p in pipes)
    assert server.terminate() < 15


def test_worker_stopped_past_the_timeout_under_four_clients_is_retried_or_504(server_factory):
    server = fault_server(server_factory)
    victim = server.workers()[0]
    os.killpg(victim, signal.SIGSTOP)
    try:
        results = load(server, clients=4, seconds=10)
    finally:
        try:
            os.killpg(victim, signal.SIGCONT)
        except ProcessLookupError:
            pass
    assert_every_request_answered_in_time(results)
    assert any(status == 200 for status, _ in results)
    server.wait_for_workers(2)
    assert victim not in server.workers()  # the hung worker never serves again
    assert process_group(victim) == []
    assert server.terminate() < 15


@pytest.mark.parametrize("stop", ["sigterm", "ctrl-c"])
@pytest.mark.parametrize("processes", MODES)
def test_sigterm_or_ctrl_c_with_running_pdf_jobs_exits_within_the_grace_period_and_leaves_nothing(
        server_factory, processes, stop):
    server = server_factory("--pdf-workers", "2", "--shutdown-grace", "3", "--processes", str(processes))
    server.wait_for_workers(2)
    web = server.web_processes()
    assert len(web) == processes
    workers = server.workers()
    pipes = [p for w in workers for p in _noted_pipes(w)]
    assert pipes and all(Path(p).exists() for p in pipes)
    case = json.loads(LETTER)
    for _ in range(2):
        status, _, body = server.post("/api/v1/batch/jobs", json.dumps(
            {"kind": "reply-letter", "cases": [case] * 200, "output": "zip", "document_format": "pdf"}).encode())
        assert status == 202, body
    answered: list[tuple[float, float, int | None]] = []  # (sent, answered, status; None when refused or cut)
    running: dict[int, float] = {}  # client → when its request in flight was sent
    streams = threading.Thread(target=send_until_refused, args=(server, 2, answered, running))
    streams.start()
    time.sleep(1.5)
    # the signal comes while a request taken up well before it (0.2 s) is still at work
    wait_until(lambda: any(time.monotonic() - sent > 0.2 for sent in list(running.values())), within=10, every=0.01)
    stopped = time.monotonic()
    elapsed = server.terminate() if stop == "sigterm" else server.interrupt()
    streams.join()
    assert elapsed < 3 + SLACK
    assert server.process.returncode == 0, server.process.stderr.read()
    in_flight = [status for sent, done, status in answered if sent < stopped - 0.2 and done > stopped]
    assert in_flight and set(in_flight) == {200}  # the requests running at the signal were answered
    time.sleep(0.5)
    assert server.workers() == [] and all(process_group(w) == [] for w in workers)
    assert all(not Path(f"/proc/{pid}").exists() for pid in web)
    assert leftovers(server.process.pid, *web) == []
    assert not any(Path(p).exists() for p in pipes)
    with socket.socket() as s:  # nothing listens any more: a restart can bind
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", server.port))
        s.listen()
    assert "启动" in server.process.stderr.read()


@pytest.mark.parametrize("processes", MODES)
def test_after_kill_9_of_serve_its_web_processes_and_their_libreoffice_end_by_themselves(server_factory, processes):
    server = server_factory("--pdf-workers", "1", "--processes", str(processes))
    server.wait_for_workers(1)
    web, workers = server.web_processes(), server.workers()
    assert len(web) == processes and len(workers) == processes
    groups = [member for w in workers for member in process_group(w)]
    server.process.kill()  # SIGKILL: the master can do nothing more
    server.process.wait()
    # Each web process sees its master gone within a second and stops as on SIGTERM; its
    # LibreOffice workers see it gone and end.
    wait_until(lambda: not any(alive(pid) for pid in (*web, *groups)), within=10 + SLACK, every=0.1)
    assert [p for pid in web for p in Path("/tmp").glob(f"docgen-lo-{pid}-*")] == []
    with socket.socket() as s:  # the listening socket died with the last process holding it
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", server.port))
        s.listen()


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (not gone, not a zombie waiting to be reaped)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def send_until_refused(server: Server, clients: int, answered: list[tuple[float, float, int | None]],
                       running: dict[int, float]) -> None:
    """``clients`` clients posting PDF requests back to back until the server stops taking them;
    ``running`` holds when each client sent the request it waits for."""
    def client() -> None:
        me = threading.get_ident()
        while True:
            sent = running[me] = time.monotonic()
            try:
                status, _, _ = server.post("/api/v1/documents/reply-letter?format=pdf", LETTER, timeout=REQUEST_TIMEOUT)
            except OSError:  # refused, or cut: the server stopped taking requests
                answered.append((sent, time.monotonic(), None))
                return
            finally:
                running.pop(me, None)
            answered.append((sent, time.monotonic(), status))

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def home_of(worker: int) -> Path:
    """A worker's directory (its HOME), holding its profile, TMPDIR and the list of its pipes."""
    environ = Path(f"/proc/{worker}/environ").read_bytes().split(b"\0")
    return Path(next(v for v in environ if v.startswith(b"HOME="))[5:].decode())


def _noted_pipes(worker: int) -> list[str]:
    return (home_of(worker) / "pipes").read_text().split()


@pytest.mark.parametrize("processes", MODES)
def test_healthz_answers_in_milliseconds_while_the_queue_overflows_with_503(server_factory, processes):
    server = server_factory("--pdf-workers", "1", "--concurrency", "1", "--queue-size", "2", "--pdf-timeout", "10",
                            "--processes", str(processes))
    server.wait_for_workers(1)
    batch = json.dumps({"kind": "reply-letter", "cases": [json.loads(SHORT)] * 200, "output": "zip"}).encode()
    answers: list[tuple[int, dict]] = []

    def submit() -> None:
        status, headers, _ = server.post("/api/v1/batch", batch, timeout=120)
        answers.append((status, headers))

    senders = [threading.Thread(target=submit) for _ in range(8)]
    for sender in senders:
        sender.start()
    health_times = []
    while any(s.is_alive() for s in senders):
        began = time.monotonic()
        status, _, health = server.get("/healthz")
        health_times.append(time.monotonic() - began)
        assert status == 200
        time.sleep(0.1)
    for sender in senders:
        sender.join()
    refused = [headers for status, headers in answers if status == 503]
    # Each process takes one at work and two queued: the rest of the eight are refused.
    assert len(refused) >= len(senders) - 3 * processes and all(int(h["Retry-After"]) >= 1 for h in refused)
    assert sum(1 for status, _ in answers if status == 200) >= 1
    assert len(health_times) >= 3 and max(health_times) < 0.5
    server.terminate()


@pytest.mark.parametrize("processes", MODES)
def test_docgen_serve_reads_the_pdf_timeout_from_the_environment(server_factory, processes):
    server = server_factory("--pdf-workers", "1", env={"DOCGEN_PDF_TIMEOUT": "7", "DOCGEN_PROCESSES": str(processes)})
    server.wait_for_workers(1)
    assert len(server.workers()) == processes  # one LibreOffice worker in each web process
    for worker in server.workers():
        cmdline = Path(f"/proc/{worker}/cmdline").read_bytes().split(b"\0")
        assert cmdline[cmdline.index(b"--conversion-timeout") + 1] == b"7"
    _, _, health = server.get("/healthz")
    assert health["status"] == "ok"
    server.terminate()
