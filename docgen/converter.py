""".docx → PDF through a pool of warm LibreOffice workers. Knows nothing about templates.

Each worker is a headless LibreOffice driven by ``uno_worker.py`` over a UNO pipe (the bridge
only imports under Debian's ``/usr/bin/python3``, python3-uno). This side hands it a .docx as a
file in the worker's private directory and asks over a Unix socket in that directory for the PDF:
no network port, no encoding of the document, no type detection. Only docgen's user can reach
either channel (see ``uno_worker.py``).

The pool health-checks its workers, bounds each conversion with a timeout and each caller with a
deadline (queue wait included), replaces a worker that dies or hangs and retries that document
once on a healthy worker, and recycles workers one at a time after a number of documents to
bound LibreOffice's memory, starting the replacement before the old worker leaves. Every worker,
the first ones and each replacement, converts a small built-in document before it takes work
(:func:`warm_up_document`): a new LibreOffice's first conversion is several times slower than the
next, and no caller should pay for it. Each worker
keeps its profile and its TMPDIR in one directory that is removed whenever the worker ends; the
directories of a docgen process that was killed are removed when the next pool starts.
"""

from __future__ import annotations

import atexit
import contextlib
import contextvars
import functools
import io
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .errors import DocgenError
from .handoff import Handoff

log = logging.getLogger(__name__)

FONTCONFIG_FILE = Path(__file__).resolve().parent.parent / "fonts" / "fonts.conf"
UNO_PYTHON = "/usr/bin/python3"
WORKER_SCRIPT = Path(__file__).resolve().with_name("uno_worker.py")
SOCKET_NAME = "worker.sock"  # the request socket in a worker's home (uno_worker.SOCKET_NAME)
WORK_DIR_PREFIX = "docgen-lo-"
PIPES_FILE = "pipes"
OFFICE_SETTLE_SECONDS = 0.3  # after a fault, how long LibreOffice must live on to be judged alive
STOPPING = "PDF 转换服务正在停止，请稍后重试"
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



# One worker per core, and one more: a worker waits for its next document (handed over, written,
# its PDF read back) for 3-6% of its time when as many workers as cores are kept busy
# (bench/convert_pool.py), and the spare one converts meanwhile. Each costs 150-350 MB of RSS
# (LibreOffice grows with each document until it is recycled).
DEFAULT_WORKERS = (os.cpu_count() or 2) + 1


@dataclass(frozen=True)
class PoolSettings:
    workers: int = DEFAULT_WORKERS
    timeout: float = 30.0  # seconds for one conversion
    start_timeout: float = 60.0  # seconds for a worker to come up
    max_documents: int = 200  # recycle a worker after about this many conversions
    health_interval: float = 15.0  # seconds between health checks of idle workers
    work_dir: Path = Path(tempfile.gettempdir())  # where each worker's profile and TMPDIR live


_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("docgen_pdf_deadline", default=None)


def set_deadline(seconds: float) -> contextvars.Token[float | None]:
    """Conversions in this context must finish within ``seconds`` from now, waiting for a worker
    included, or raise :class:`ConversionTimeout`. Undo with :func:`reset_deadline`."""
    return _deadline.set(time.monotonic() + seconds)


def reset_deadline(token: contextvars.Token[float | None]) -> None:
    _deadline.reset(token)


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    token = set_deadline(seconds)
    try:
        yield
    finally:
        reset_deadline(token)


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


def office_binary() -> str:
    """The ``soffice`` launcher on the PATH (``libreoffice`` where only that name exists)."""
    return shutil.which("soffice") or shutil.which("libreoffice") or "soffice"


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def process_group(group: int) -> list[int]:
    """The living processes of a process group (from /proc)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[2] == str(group) and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


def socket_inodes(pids: list[int]) -> set[str]:
    """The inodes of the sockets the processes ``pids`` hold open (from /proc)."""
    inodes = set()
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").glob("*"):
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    return inodes


def workers_of(parent: int) -> list[int]:
    """The worker drivers (``uno_worker.py``) that the docgen process ``parent`` started, from /proc."""
    script, owner = str(WORKER_SCRIPT).encode(), str(parent).encode()
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            argv = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if len(argv) > 2 and argv[1] == script and argv[2] == owner:
            found.append(int(cmdline.parent.name))
    return found


def remove_work_dir(home: Path) -> None:
    """A worker's directory, and the pipe sockets it noted down outside it."""
    try:
        pipes = (home / PIPES_FILE).read_text().split()
    except OSError:
        pipes = []
    for pipe in pipes:
        Path(pipe).unlink(missing_ok=True)
    shutil.rmtree(home, ignore_errors=True)


def remove_stale_work_dirs(work_dir: Path) -> list[Path]:
    """Remove the worker directories left by docgen processes that no longer run (killed with
    SIGKILL, so their workers could not clean up); the owner's pid is part of each name."""
    removed = []
    for path in work_dir.glob(f"{WORK_DIR_PREFIX}*-*-*"):
        owner = path.name[len(WORK_DIR_PREFIX):].split("-", 1)[0]
        if owner.isdigit() and not _process_exists(int(owner)):
            remove_work_dir(path)
            removed.append(path)
    return removed


WARM_UP_TEXT = "转换进程预热：关于加快推进老旧小区加装电梯工作的建议（第1号）"
_WORD = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006"


@functools.cache
def warm_up_document() -> bytes:
    """The .docx a new worker converts before it takes work: one line of Chinese in each face that
    docgen's fontconfig file maps (``fonts/fonts.conf``), so that the DOCX import, the layout,
    the PDF export and the fonts are all loaded once before the first caller's document."""
    from xml.sax.saxutils import escape, quoteattr  # here: it imports urllib.request, which a CLI run need not load

    faces = [test.text for test in ET.parse(FONTCONFIG_FILE).iterfind("match/test[@name='family']/string")
             if test.text]
    lines = "".join(
        f'<w:p><w:r><w:rPr><w:rFonts w:ascii={quoteattr(face)} w:eastAsia={quoteattr(face)} w:hAnsi={quoteattr(face)}/>'
        f'</w:rPr><w:t>{escape(WARM_UP_TEXT)}</w:t></w:r></w:p>'
        for face in faces
    )
    parts = {
        "[Content_Types].xml":
            f'<Types xmlns="{_PACKAGE}/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        "_rels/.rels":
            f'<Relationships xmlns="{_PACKAGE}/relationships"><Relationship Id="rId1" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="word/document.xml"/></Relationships>',
        "word/document.xml": f'<w:document xmlns:w="{_WORD}"><w:body>{lines}</w:body></w:document>',
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, xml in parts.items():
            package.writestr(name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + xml)
    return buffer.getvalue()


class WorkerFault(Exception):
    """The worker answered, but LibreOffice raised while converting (the message is LibreOffice's)."""


class Worker:
    """One LibreOffice process and the ``uno_worker.py`` that drives it over a UNO pipe; its
    profile, TMPDIR, request socket and documents live in ``home`` (mode 0700)."""

    def __init__(self, settings: PoolSettings, number: int, limit: int):
        self.settings = settings
        self.number = number
        self.limit = limit  # documents before it is recycled
        self.documents = 0
        self.expiring = False  # reached its limit; a successor is starting
        self.draining = False  # the successor is ready: this one serves no more
        settings.work_dir.mkdir(parents=True, exist_ok=True)
        self.home = Path(tempfile.mkdtemp(prefix=f"{WORK_DIR_PREFIX}{os.getpid()}-{number}-", dir=settings.work_dir))
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, cancel: threading.Event) -> None:
        self.launch()
        self.wait_ready(cancel)

    def launch(self) -> None:
        """Start the processes; :meth:`wait_ready` waits until they answer."""
        temp = self.home / "tmp"
        temp.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "FONTCONFIG_FILE": str(FONTCONFIG_FILE),
            "HOME": str(self.home),
            "TMPDIR": str(temp),  # LibreOffice's lu*.tmp and lock files
        }
        env.pop("PYTHONPATH", None)  # the worker imports the standard library and uno only
        self.process = subprocess.Popen(
            [UNO_PYTHON, str(WORKER_SCRIPT), str(os.getpid()), str(self.home), office_binary(),
             "--conversion-timeout", f"{self.settings.timeout:g}"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, so LibreOffice dies with it
        )

    def wait_ready(self, cancel: threading.Event) -> None:
        """Wait until the worker answers and has converted :func:`warm_up_document`; give up (and
        clean up) as soon as ``cancel`` is set."""
        assert self.process is not None
        deadline = time.monotonic() + self.settings.start_timeout
        while time.monotonic() < deadline:
            if cancel.is_set():
                self.stop()
                raise ConverterUnavailable(STOPPING)
            if self.process.poll() is not None:
                self.stop()
                raise ConverterUnavailable(f"LibreOffice 转换进程启动失败（退出码 {self.process.returncode}）。{INSTALL_HINT}")
            if (self.home / SOCKET_NAME).exists() and self.ping(timeout=2):
                self._note_pipes()
                self._warm_up(deadline)
                log.info("LibreOffice worker %d ready in %s", self.number, self.home)
                return
            time.sleep(0.05)
        self.stop()
        raise ConverterUnavailable(f"LibreOffice 转换进程在 {self.settings.start_timeout:.0f} 秒内未就绪")

    def _warm_up(self, deadline: float) -> None:
        """Convert :func:`warm_up_document` within what is left of the start timeout (not the
        conversion timeout: that one is for callers' documents); it counts as none of them."""
        try:
            self._convert(warm_up_document(), max(0.001, deadline - time.monotonic()), warm_up=True)
        except (OSError, ValueError, WorkerFault) as exc:
            self.stop()
            raise ConverterUnavailable(f"LibreOffice 转换进程启动后未能转换预热文档：{exc}") from exc

    def _request(self, request: dict[str, str | bool | float], timeout: float) -> dict[str, object]:
        """One request over the worker's socket; its answer. Raises OSError (socket timeouts
        included) when the worker is gone or silent, :class:`WorkerFault` when LibreOffice raised."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as channel:
            channel.settimeout(timeout)
            channel.connect(str(self.home / SOCKET_NAME))
            channel.sendall(json.dumps(request).encode() + b"\n")
            with channel.makefile("rb") as stream:
                line = stream.readline()
        if not line:
            raise ConnectionResetError("the LibreOffice worker closed its socket")
        reply = json.loads(line)
        if not reply["ok"]:
            raise WorkerFault(reply["error"])
        return reply

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def office_alive(self) -> bool:
        """Whether LibreOffice itself (not only its driver) still runs in the worker's process group."""
        if not self.alive():
            return False
        assert self.process is not None
        return any(pid != self.process.pid for pid in process_group(self.process.pid))

    def office_survives(self, seconds: float) -> bool:
        """Whether LibreOffice still runs ``seconds`` from now (a killed one takes a moment to go)."""
        until = time.monotonic() + seconds
        while self.office_alive():
            if time.monotonic() >= until:
                return True
            time.sleep(0.05)
        return False

    def ping(self, timeout: float = 5) -> bool:
        if not self.alive():
            return False
        try:
            self._request({"op": "ping"}, timeout)
        except (OSError, ValueError, WorkerFault):
            return False
        return True

    def open_frames(self, timeout: float = 5) -> int:
        """How many frames the worker's LibreOffice holds open; none between conversions, since
        each document is closed with the frame it was loaded into."""
        return int(self._request({"op": "ping"}, timeout)["frames"])  # type: ignore[call-overload]

    def conversions(self, timeout: float = 5) -> int:
        """How many documents the worker's LibreOffice has converted, its warm-up included."""
        return int(self._request({"op": "ping"}, timeout)["conversions"])  # type: ignore[call-overload]

    def convert(self, docx: bytes, timeout: float, marks: bool = False) -> tuple[bytes, dict[str, float]]:
        """The PDF, and the milliseconds of LibreOffice's steps (see ``uno_worker.store_pdf``);
        ``marks``: bookmarks become named destinations. Raises socket timeouts, OSError and
        :class:`WorkerFault`; the pool decides what they mean."""
        converted = self._convert(docx, timeout, marks)
        self.documents += 1
        return converted

    def _convert(self, docx: bytes, timeout: float, marks: bool = False, *,
                 warm_up: bool = False) -> tuple[bytes, dict[str, float]]:
        source, target = self.home / "in.docx", self.home / "out.pdf"
        target.unlink(missing_ok=True)
        source.write_bytes(docx)
        request: dict[str, str | bool | float] = {"op": "convert", "in": str(source), "out": str(target)}
        if marks:
            request["marks"] = True
        if warm_up:  # the worker's backstop follows this timeout, not the one for callers' documents
            request["timeout"] = timeout
        reply = self._request(request, timeout)
        return target.read_bytes(), reply["ms"]  # type: ignore[return-value]

    def _note_pipes(self) -> None:
        """LibreOffice puts its OSL_PIPE socket in /tmp whatever TMPDIR says, and leaves it there
        when killed: find ours among the sockets its processes hold, and write them down in the
        home directory, so that whoever removes the directory removes them too."""
        assert self.process is not None
        inodes = socket_inodes(process_group(self.process.pid))
        try:
            table = Path("/proc/net/unix").read_text().splitlines()[1:]
        except OSError:
            return
        pipes = {fields[7] for fields in (line.split() for line in table)
                 if len(fields) >= 8 and fields[6] in inodes and Path(fields[7]).name.startswith("OSL_PIPE_")}
        (self.home / PIPES_FILE).write_text("\n".join(sorted(pipes)))

    def stop(self) -> None:
        """Kill LibreOffice and its driver at once (workers hold no state worth a clean exit)
        and remove the profile, the TMPDIR and the pipe with whatever LibreOffice left in them."""
        if self.process is not None:
            # The whole group, even when the driver itself is already gone: LibreOffice, its
            # child, would otherwise live on as an orphan.
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait(timeout=10)
        remove_work_dir(self.home)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None


class ConverterPool:
    """A fixed number of warm workers, handed out first come, first served."""

    def __init__(self, settings: PoolSettings | None = None):
        self.settings = settings or PoolSettings()
        self._idle: Handoff[Worker] = Handoff()  # first come, first served
        self._workers: list[Worker] = []
        self._lock = threading.RLock()
        self._started = False
        self._closed = threading.Event()  # stop() was called: nothing starts any more
        self._counter = 0
        self._unavailable: str | None = None  # why the last worker could not start; None once one did
        self._converted_once: dict[str, bytes] = {}
        self._once_lock = threading.Lock()
        self._monitor: threading.Thread | None = None
        self.replaced = 0  # workers replaced after dying or hanging (for health reports)
        # Since start, for /metrics: converted, retried on another worker, timed out, recycled;
        # and the workers that converted the warm-up document before they took work.
        self.counts = {"conversions": 0, "retries": 0, "timeouts": 0, "recycles": 0, "warm_ups": 0}
        # Since start, the milliseconds LibreOffice spent in each step of the conversions that
        # succeeded, as the workers timed them (bench/convert_vs_carbone.py reads them).
        self.office_ms = {"load": 0.0, "store": 0.0, "close": 0.0}

    # --- life cycle -----------------------------------------------------------------

    def start(self) -> None:
        with self._lock:
            if self._closed.is_set():
                raise ConverterUnavailable(STOPPING)
            if self._started:
                return
            problem = missing_requirements()
            if problem:
                self._unavailable = problem
                raise ConverterUnavailable(problem)
            remove_stale_work_dirs(self.settings.work_dir)
            count = self.settings.workers
            # Staggered budgets for the first workers, so that they are never recycled together.
            workers = [self._new_worker(max(1, self.settings.max_documents * (i + 1) // count)) for i in range(count)]
            with ThreadPoolExecutor(len(workers)) as starting:
                failures = [f.exception() for f in [starting.submit(w.start, self._closed) for w in workers]]
            if any(failures):
                for w in workers:
                    self._discard(w)
                failure = next(f for f in failures if f)
                self._unavailable = getattr(failure, "message", str(failure))
                raise failure  # type: ignore[misc]
            self._unavailable = None
            for w in workers:
                self._count("warm_ups")
                self._idle.put(w)
            self._started = True
            atexit.register(self.stop)
            self._monitor = threading.Thread(target=self._watch, name="docgen-pool-monitor", daemon=True)
            self._monitor.start()

    def stop(self) -> None:
        """Stop every worker for good: a stopped pool starts nothing again, and conversions
        still waiting get :class:`ConverterUnavailable` at once."""
        atexit.unregister(self.stop)
        self._closed.set()
        with self._lock:
            workers, self._workers = list(self._workers), []
            self._started = False
        for w in workers:
            w.stop()

    def __enter__(self) -> ConverterPool:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _new_worker(self, limit: int) -> Worker:
        with self._lock:
            if self._closed.is_set():
                raise ConverterUnavailable(STOPPING)
            self._counter += 1
            worker = Worker(self.settings, self._counter, limit)
            self._workers.append(worker)
        return worker

    def _discard(self, worker: Worker) -> None:
        worker.stop()
        with self._lock:
            if worker in self._workers:
                self._workers.remove(worker)

    def _retire(self, worker: Worker) -> None:
        """Stop a worker that died or hung; a successor starts in the background and joins the
        idle queue when ready, so callers never wait for LibreOffice to boot."""
        self.replaced += 1
        self._discard(worker)
        if not worker.expiring:  # an expiring worker's successor is already on its way
            self._spawn()

    def _spawn(self, replacing: Worker | None = None) -> None:
        """Launch a successor now; it joins the idle queue from a background thread once ready."""
        try:
            fresh = self._new_worker(self.settings.max_documents)
        except ConverterUnavailable:
            return  # the pool is stopping
        except OSError as exc:
            self._unavailable = f"无法创建 LibreOffice 转换进程的临时目录：{exc}"
            return
        try:
            with self._lock:  # stop() takes the workers under this lock: it sees this one's process
                if self._closed.is_set():
                    raise ConverterUnavailable(STOPPING)
                fresh.launch()
        except ConverterUnavailable:
            self._discard(fresh)
            return
        except OSError as exc:
            self._discard(fresh)
            self._unavailable = f"无法启动 LibreOffice 转换进程：{exc}"
            return
        threading.Thread(target=self._join_when_ready, args=(fresh, replacing), name="docgen-pool-replace", daemon=True).start()

    def _join_when_ready(self, fresh: Worker, replacing: Worker | None) -> None:
        try:
            fresh.wait_ready(self._closed)
        except DocgenError as exc:
            self._discard(fresh)
            if not self._closed.is_set():
                self._unavailable = exc.message
                log.error("could not start a LibreOffice worker: %s", exc.message)
            return
        if self._closed.is_set():
            self._discard(fresh)
            return
        self._unavailable = None
        self._count("warm_ups")
        self._idle.put(fresh)
        if replacing is not None:
            replacing.draining = True  # leaves at its next checkout or release

    def _watch(self) -> None:
        """Health check: idle workers that stopped answering are replaced, missing ones started."""
        while not self._closed.wait(self.settings.health_interval):
            for _ in range(self._idle.idle()):
                worker = self._idle.take_idle()
                if worker is None:
                    break
                if worker.draining:
                    self._discard(worker)
                elif worker.ping():
                    self._idle.put(worker)
                else:
                    log.warning("LibreOffice worker %d failed its health check; replacing it", worker.number)
                    self._retire(worker)
            with self._lock:
                missing = self.settings.workers - sum(1 for w in self._workers if not w.expiring)
            for _ in range(missing):
                self._spawn()

    # --- work -------------------------------------------------------------------------

    def _deadline(self) -> float:
        own = time.monotonic() + self.settings.start_timeout + 2 * self.settings.timeout
        given = _deadline.get()
        return own if given is None else min(own, given)

    def _checkout(self, deadline: float) -> Worker:
        """An idle, living worker, first come, first served; dead or drained ones met on the way
        are removed."""

        def may_wait() -> float:
            if self._closed.is_set():
                raise ConverterUnavailable(STOPPING)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ConversionTimeout("等待空闲的 PDF 转换进程超时，请稍后重试")
            if self._unavailable is not None and not any(w.alive() for w in list(self._workers)):
                raise ConverterUnavailable(self._unavailable)
            return min(remaining, 0.5)

        while True:
            worker = self._idle.take(may_wait)
            if worker.draining:
                self._discard(worker)
            elif not worker.alive():
                log.warning("LibreOffice worker %d died while idle; replacing it", worker.number)
                self._retire(worker)
            else:
                return worker

    def _release(self, worker: Worker) -> None:
        """Back to the idle queue; at its document budget a successor starts first, and the
        worker keeps serving until the successor is ready."""
        if worker.documents >= worker.limit and not worker.expiring:
            worker.expiring = True
            self._count("recycles")
            self._spawn(replacing=worker)
        if worker.draining:
            self._discard(worker)
        else:
            self._idle.put(worker)

    def convert(self, docx: bytes, *, marks: bool = False) -> bytes:
        """Convert one document within the deadline (see :func:`deadline`). A worker that dies or
        hangs never serves again, and the document is retried once on a healthy worker; a hang
        that uses up the time gives :class:`ConversionTimeout`. With ``marks`` the document's
        bookmarks also become named destinations of the PDF."""
        self.start()
        deadline = self._deadline()
        failure: DocgenError | None = None
        for attempt in (1, 2):
            if attempt == 2:
                self._count("retries")
            try:
                worker = self._checkout(deadline)
            except ConversionTimeout:
                self._count("timeouts")
                raise
            timeout = max(0.001, min(self.settings.timeout, deadline - time.monotonic()))
            try:
                pdf, steps = worker.convert(docx, timeout, marks)
            except WorkerFault as exc:
                # LibreOffice raised: the document's fault if it lives on, a crash if it died under it.
                hung = False
                if worker.office_survives(OFFICE_SETTLE_SECONDS):
                    self._release(worker)
                    raise ConversionFailed(f"LibreOffice 无法转换该文档：{str(exc)[-200:]}") from exc
                cause: BaseException = exc
            except (OSError, ValueError) as exc:  # gone (reset, refused), silent (timeout) or garbled
                hung, cause = isinstance(exc, TimeoutError), exc
            except BaseException:
                self._retire(worker)  # interrupted mid-conversion: its state is unknown
                raise
            else:
                self._release(worker)
                self._count("conversions")
                with self._lock:
                    for step, ms in steps.items():
                        self.office_ms[step] += ms
                return pdf
            log.warning("LibreOffice worker %d %s (attempt %d): %s", worker.number, "hung" if hung else "died", attempt, cause)
            self._retire(worker)
            if hung:
                failure = ConversionTimeout(f"PDF 转换超过 {timeout:g} 秒未完成")
            else:
                failure = ConversionFailed("LibreOffice 转换进程异常退出，PDF 未生成")
            failure.__cause__ = cause
        assert failure is not None
        if isinstance(failure, ConversionTimeout):
            self._count("timeouts")
        raise failure

    def _count(self, name: str) -> None:
        with self._lock:
            self.counts[name] += 1

    def convert_once(self, key: str, docx: Callable[[], bytes]) -> bytes:
        """Convert ``docx()`` the first time ``key`` is asked for and keep the PDF as long as the
        pool lives (e.g. the draft watermark)."""
        with self._once_lock:
            if key not in self._converted_once:
                self._converted_once[key] = self.convert(docx())
            return self._converted_once[key]

    def status(self) -> dict[str, object]:
        """The pool's health without waiting on anything: ``state`` is ``degraded`` when no worker
        runs and the last one could not start, ``stopping`` after :meth:`stop`."""
        workers = list(self._workers)
        alive = sum(1 for w in workers if w.alive())
        if self._closed.is_set():
            state = "stopping"
        elif self._unavailable is not None and alive == 0:
            state = "degraded"
        else:
            state = "ok"
        return {
            "state": state,
            "started": self._started,
            "workers": len(workers),
            "idle": self._idle.idle(),
            "waiting": self._idle.waiting(),  # conversions waiting for a worker
            "alive": alive,
            "replaced": self.replaced,
            **self.counts,
            "problem": self._unavailable,
        }

    def worker_pids(self) -> list[int]:
        return [w.pid for w in list(self._workers) if w.pid is not None]
