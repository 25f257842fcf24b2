""".docx → PDF through a pool of warm LibreOffice workers. Knows nothing about templates.

Each worker is an ``unoserver`` process (the maintained XML-RPC front of a headless
LibreOffice) with its own user profile and ports. The UNO bridge only imports under Debian's
``/usr/bin/python3`` (python3-uno), so the server runs there; this side speaks XML-RPC only.

The pool health-checks its workers, bounds each conversion with a timeout, replaces a worker
that dies or hangs and retries that document once, and recycles a worker after a number of
documents to bound LibreOffice's memory.
"""

from __future__ import annotations

import atexit
import http.client
import logging
import os
import queue
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import xmlrpc.client
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .errors import DocgenError

log = logging.getLogger(__name__)

FONTCONFIG_FILE = Path(__file__).resolve().parent.parent / "fonts" / "fonts.conf"
UNO_PYTHON = "/usr/bin/python3"
WORKER_SCRIPT = Path(__file__).resolve().with_name("uno_worker.py")
PDF_FILTER = "writer_pdf_Export"
INSTALL_HINT = "请安装 LibreOffice 及其 Python 桥接：apt-get install libreoffice-writer-nogui python3-uno（或运行 scripts/setup.sh）"


class ConverterUnavailable(DocgenError):
    """LibreOffice (or its UNO bridge) is not installed, or no worker could be started."""

    code = "pdf_unavailable"
    status, title = 503, "PDF 转换不可用"


class ConversionTimeout(DocgenError):
    code = "pdf_timeout"
    status, title = 504, "PDF 转换超时"


class ConversionFailed(DocgenError):
    code = "pdf_failed"
    status, title = 502, "PDF 转换失败"


@dataclass(frozen=True)
class PoolSettings:
    workers: int = os.cpu_count() or 2
    timeout: float = 30.0  # seconds for one conversion
    start_timeout: float = 60.0  # seconds for a worker to come up
    max_documents: int = 200  # recycle a worker after this many conversions
    health_interval: float = 15.0  # seconds between health checks of idle workers


def missing_requirements() -> str | None:
    """Why PDF conversion cannot work on this machine, in Chinese; None when it can."""
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        return f"未安装 LibreOffice，无法生成 PDF。{INSTALL_HINT}"
    if not Path(UNO_PYTHON).exists():
        return f"找不到 {UNO_PYTHON}，无法启动 LibreOffice 转换进程。{INSTALL_HINT}"
    check = subprocess.run([UNO_PYTHON, "-c", "import uno"], capture_output=True)
    if check.returncode != 0:
        return f"未安装 LibreOffice 的 Python 桥接（python3-uno），无法生成 PDF。{INSTALL_HINT}"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _TimeoutTransport(xmlrpc.client.Transport):
    def __init__(self, timeout: float):
        super().__init__()
        self._timeout = timeout

    def make_connection(self, host):  # type: ignore[override]
        connection = super().make_connection(host)
        connection.timeout = self._timeout
        return connection


class Worker:
    """One unoserver + LibreOffice process pair with its own profile directory."""

    def __init__(self, settings: PoolSettings, number: int):
        self.settings = settings
        self.number = number
        self.documents = 0
        self.port = _free_port()
        self.uno_port = _free_port()
        self.home = Path(tempfile.mkdtemp(prefix=f"docgen-lo-{number}-"))
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        import unoserver

        env = {
            **os.environ,
            "FONTCONFIG_FILE": str(FONTCONFIG_FILE),
            "PYTHONPATH": str(Path(unoserver.__file__).resolve().parent.parent),
            "HOME": str(self.home),
        }
        self.process = subprocess.Popen(
            [
                UNO_PYTHON, str(WORKER_SCRIPT), str(os.getpid()),
                "--interface", "127.0.0.1", "--port", str(self.port),
                "--uno-interface", "127.0.0.1", "--uno-port", str(self.uno_port),
                "--user-installation", str(self.home / "profile"),
                "--conversion-timeout", str(max(1, int(self.settings.timeout))),
                "--quiet",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, so LibreOffice dies with it
        )
        deadline = time.monotonic() + self.settings.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ConverterUnavailable(f"LibreOffice 转换进程启动失败（退出码 {self.process.returncode}）。{INSTALL_HINT}")
            if self.ping(timeout=2):
                log.info("LibreOffice worker %d ready on port %d", self.number, self.port)
                return
            time.sleep(0.2)
        self.stop()
        raise ConverterUnavailable(f"LibreOffice 转换进程在 {self.settings.start_timeout:.0f} 秒内未就绪")

    def _proxy(self, timeout: float) -> xmlrpc.client.ServerProxy:
        return xmlrpc.client.ServerProxy(
            f"http://127.0.0.1:{self.port}", transport=_TimeoutTransport(timeout), allow_none=True
        )

    def ping(self, timeout: float = 5) -> bool:
        if self.process is None or self.process.poll() is not None:
            return False
        try:
            with self._proxy(timeout) as proxy:
                return "unoserver" in proxy.info()
        except (OSError, http.client.HTTPException, xmlrpc.client.Error):
            return False

    def convert(self, docx: bytes) -> bytes:
        """Raises socket.timeout / OSError / xmlrpc errors; the pool decides what they mean."""
        with self._proxy(self.settings.timeout) as proxy:
            # Naming the Writer PDF filter skips LibreOffice's type detection (about 20 ms).
            result = proxy.convert(None, xmlrpc.client.Binary(docx), None, "pdf", PDF_FILTER, [], False, None, None)
        self.documents += 1
        return result.data

    def stop(self) -> None:
        """Kill LibreOffice and its unoserver at once: workers hold no state worth a clean exit."""
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait(timeout=10)
        shutil.rmtree(self.home, ignore_errors=True)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None


class ConverterPool:
    """A fixed number of warm workers handed out through a queue."""

    def __init__(self, settings: PoolSettings | None = None):
        self.settings = settings or PoolSettings()
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._workers: list[Worker] = []
        self._lock = threading.RLock()
        self._started = False
        self._stopping = threading.Event()
        self._counter = 0
        self._monitor: threading.Thread | None = None
        self.replaced = 0  # workers replaced after dying or hanging (for health reports)

    # --- life cycle -----------------------------------------------------------------

    def start(self) -> None:
        with self._lock:
            if self._started:
                return
            problem = missing_requirements()
            if problem:
                raise ConverterUnavailable(problem)
            workers = [self._new_worker() for _ in range(self.settings.workers)]
            with ThreadPoolExecutor(len(workers)) as starting:
                failures = [f.exception() for f in [starting.submit(w.start) for w in workers]]
            if any(failures):
                for w in workers:
                    w.stop()
                self._workers.clear()
                raise next(f for f in failures if f)
            for w in workers:
                self._idle.put(w)
            self._started = True
            self._stopping.clear()
            atexit.register(self.stop)
            self._monitor = threading.Thread(target=self._watch, name="docgen-pool-monitor", daemon=True)
            self._monitor.start()

    def stop(self) -> None:
        atexit.unregister(self.stop)
        self._stopping.set()
        with self._lock:
            workers, self._workers = list(self._workers), []
            self._idle = queue.Queue()
            self._started = False
        for w in workers:
            w.stop()

    def __enter__(self) -> ConverterPool:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def started(self) -> bool:
        return self._started

    def _new_worker(self) -> Worker:
        with self._lock:
            self._counter += 1
            worker = Worker(self.settings, self._counter)
            self._workers.append(worker)
        return worker

    def _retire(self, worker: Worker, *, failed: bool) -> None:
        """Stop ``worker`` and start its successor in the background; the successor joins the
        idle queue when it is ready, so callers never wait for LibreOffice to boot."""
        if failed:
            self.replaced += 1
        worker.stop()
        with self._lock:
            if worker in self._workers:
                self._workers.remove(worker)
        threading.Thread(target=self._start_successor, name="docgen-pool-replace", daemon=True).start()

    def _start_successor(self) -> None:
        if self._stopping.is_set():
            return
        fresh = self._new_worker()
        try:
            fresh.start()
        except DocgenError:
            if not self._stopping.is_set():  # a pool being stopped kills its starting workers
                log.exception("could not start a replacement LibreOffice worker")
            with self._lock:
                if fresh in self._workers:
                    self._workers.remove(fresh)
            fresh.stop()
            return
        if self._stopping.is_set():
            fresh.stop()
        else:
            self._idle.put(fresh)

    def _watch(self) -> None:
        """Health check: idle workers that stopped answering are replaced, missing ones restarted."""
        while not self._stopping.wait(self.settings.health_interval):
            for _ in range(self._idle.qsize()):
                try:
                    worker = self._idle.get_nowait()
                except queue.Empty:
                    break
                if worker.ping():
                    self._idle.put(worker)
                else:
                    log.warning("LibreOffice worker %d failed its health check; replacing it", worker.number)
                    self._retire(worker, failed=True)
            with self._lock:
                missing = self.settings.workers - len(self._workers)
            for _ in range(missing):
                threading.Thread(target=self._start_successor, daemon=True).start()

    # --- work -------------------------------------------------------------------------

    def _checkout(self) -> Worker:
        try:
            return self._idle.get(timeout=self.settings.start_timeout + self.settings.timeout)
        except queue.Empty as exc:
            raise ConversionTimeout("PDF 转换繁忙，等待空闲转换进程超时，请稍后重试") from exc

    def convert(self, docx: bytes) -> bytes:
        """Convert one document; a worker that dies or hangs is replaced and the document retried once."""
        self.start()
        for attempt in (1, 2):
            worker = self._checkout()
            try:
                pdf = worker.convert(docx)
            except (OSError, http.client.HTTPException, xmlrpc.client.ProtocolError) as exc:
                hung = isinstance(exc, TimeoutError)
                log.warning("worker %d %s (attempt %d): %s", worker.number, "hung" if hung else "failed", attempt, exc)
                self._retire(worker, failed=True)
                if attempt == 1:
                    continue
                if hung:
                    raise ConversionTimeout(f"PDF 转换超过 {self.settings.timeout:g} 秒未完成") from exc
                raise ConversionFailed("LibreOffice 转换进程异常退出，PDF 未生成") from exc
            except BaseException as exc:
                self._idle.put(worker)
                if isinstance(exc, xmlrpc.client.Fault):
                    raise ConversionFailed(f"LibreOffice 无法转换该文档：{exc.faultString[-200:]}") from exc
                raise
            if worker.documents >= self.settings.max_documents:
                self._retire(worker, failed=False)
            else:
                self._idle.put(worker)
            return pdf
        raise AssertionError("unreachable")

    def status(self) -> dict[str, object]:
        return {
            "started": self._started,
            "workers": len(self._workers),
            "idle": self._idle.qsize(),
            "alive": sum(1 for w in self._workers if w.process is not None and w.process.poll() is None),
            "replaced": self.replaced,
        }

    def worker_pids(self) -> list[int]:
        return [w.pid for w in self._workers if w.pid is not None]
