"""``docgen serve``: the HTTP face on one port, served by gunicorn.

gunicorn's master forks ``processes`` web processes (1 by default; gthread workers, with threads
for the working and the queued requests and two more) that take connections from the one
listening socket. Python runs one thread at a time per process, so a single process renders on
one core whatever the threads; N processes render on N. Each builds its own app after the fork,
with its own LibreOffice pool of ``pdf_workers`` and its own job runner (the runners share the
job store and its leases, as separate ``serve`` processes always could). The master replaces a
web process that dies; the LibreOffice workers of the dead one end themselves, since they watch
the process that started them. A web process whose master is killed stops by itself within a
second, as on SIGTERM.

One process runs under gunicorn too, rather than waitress as it did: waitress's I/O loop runs in
Python on the requests' interpreter lock, and with 16 clients it spent 3.5 ms of CPU a request
of its own, against 0.2 ms for gunicorn's loop, and the requests' threads 5.1 ms against 4.3
(bench/thread_cpu.py --baseline: 1.9 × the throughput in the same run).

The port is bound first, before anything slow starts, and answers /healthz and .docx once the
web process has built its app, before LibreOffice has booted. SIGTERM, or SIGINT (Ctrl-C in a
terminal, which reaches every process of the terminal's group), stops taking connections and
stops the job runners at their jobs' next document (the jobs stay in the store for the next
start), so that the running requests have the LibreOffice workers to themselves to finish
within ``shutdown_grace``; then the pools stop and the processes exit, leaving no LibreOffice
process, directory or pipe behind.

Once the master has loaded what a web process keeps for its life (the imports, pydantic's
schemas, Jinja's templates, the title dictionary), those objects are frozen out of the garbage
collector's reach (:func:`_settle`): a full collection would otherwise walk all of them,
stalling every thread for tens of milliseconds (hundreds on a loaded machine), and touch their
pages, which the forked web processes would then no longer share.

With several processes, each new connection goes to a least busy one, and a process that holds
clearly more requests than another hands its clients on (docgen/spread.py). /metrics counts
across them: prometheus-client's multiprocess mode keeps every process's values in files of a
private directory, removed when the service stops.
"""

from __future__ import annotations

import gc
import math
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter
from gunicorn.workers.gthread import ThreadWorker

from . import formatting
from .converter import ConverterPool, ConverterUnavailable
from .credentials import CredentialStore, is_loopback
from .errors import ConfigError
from .kinds import prepare_all
from .jobs.runner import JobRunner
from .jobs.store import JobStore
from .profile import Profile
from .settings import Settings
from .spread import LoadTable

if TYPE_CHECKING:
    from flask import Flask

# prometheus-client chooses between values in memory and values in files (its multiprocess
# mode) from this variable when it is imported, so it is set before the web package is: that is
# why the functions below import from the web package where they need it.
METRICS_DIR_ENV = "PROMETHEUS_MULTIPROC_DIR"
METRICS_DIR_PREFIX = "docgen-metrics-"
METRICS_REFRESH_SECONDS = 1.0  # how stale another process's gauges may be in /metrics
WORKER_EXIT_SECONDS = 3  # a web process's own clean-up after the grace: its runner and pool
KEEPALIVE_SECONDS = 15  # an idle kept-alive connection waits in the poller, holding no thread
RECHECK_SECONDS = 0.005  # how often a web process that declines new connections compares loads again


def say(text: str) -> None:
    """A line for whoever runs the service, on standard error."""
    print(text, file=sys.stderr, flush=True)


def serve(settings: Settings, profile: Profile) -> None:
    """Run the service until SIGTERM (or SIGINT). Raises :class:`ConfigError` in Chinese when it
    cannot start: an open service on a public address, a port in use, an unusable data_dir."""
    _check_access(settings)
    listener = _bind(settings)
    JobStore(settings.data_dir)  # an unusable data_dir stops here, before any process starts
    master = os.getpid()
    metrics_dir = _metrics_dir(settings.work_dir)
    os.environ[METRICS_DIR_ENV] = str(metrics_dir)
    try:
        application = _Master(settings, profile, listener, metrics_dir)
        _settle()  # before the fork: the web processes share the master's imports, untouched
        application.run()
    finally:
        if os.getpid() == master:  # not in a web process leaving through here
            shutil.rmtree(metrics_dir, ignore_errors=True)


def _check_access(settings: Settings) -> None:
    if not (is_loopback(settings.host) or settings.insecure_open or CredentialStore(settings.data_dir).configured()):
        raise ConfigError(
            f"拒绝在 {settings.host} 上不设访问控制启动：本机以外的任何人都能使用本服务。请先用 "
            "docgen tokens create 签发接口令牌或用 docgen users create 新建账号（凭据存放于 "
            f"{settings.data_dir}），或明确给出 --insecure-open"
        )


def _bind(settings: Settings) -> socket.socket:
    """The listening socket, bound before anything slow starts."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            settings.host, settings.port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
        listener = socket.socket(family, kind, proto)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
        listener.listen(1024)
    except OSError as exc:
        raise ConfigError(f"无法监听 {settings.host}:{settings.port}：{exc.strerror or exc}") from exc
    return listener


class WebProcess:
    """One web process: the app, with its LibreOffice pool and its job runner."""

    def __init__(self, settings: Settings, profile: Profile, secret_key: str | None = None):
        from .web import create_app

        self.settings = settings
        self.pool = ConverterPool(settings.pool_settings())
        config: dict[str, Any] = {"SETTINGS": settings, "PROFILE": profile, "CONVERTER": self.pool}
        if secret_key is not None:
            config["SECRET_KEY"] = secret_key
        self.app: Flask = create_app(config)

    def start(self) -> None:
        """Boot the pool and load the title dictionary in the background (the port already
        answers), and take up the store's unfinished jobs."""
        threading.Thread(target=self._start_pool, name="docgen-pool-start", daemon=True).start()
        threading.Thread(target=self._warm_up, name="docgen-warm-up", daemon=True).start()
        runner = self.runner
        if runner is not None:
            runner.start()  # resumes unfinished jobs; takes up those other processes leave

    def _start_pool(self) -> None:
        try:
            self.pool.start()
            say(f"PDF 转换进程池已启动（进程 {os.getpid()}，{self.settings.pdf_workers} 个 LibreOffice 进程）")
        except ConverterUnavailable as exc:
            if self.pool.status()["state"] != "stopping":
                say(f"docgen：{exc.message}。Word 文书照常生成，PDF 请求将返回 503。")

    @staticmethod
    def _warm_up() -> None:
        _settle()  # the app, now built, is kept for the process's life with the rest

    @property
    def runner(self) -> JobRunner | None:
        from .web.batch import jobs_of

        return jobs_of(self.app).runner  # None when Celery workers run the jobs

    def stop_jobs(self) -> None:
        """Stop the job runner: its jobs end at their next document and stay in the store, free
        for the next start (or another process)."""
        runner = self.runner
        if runner is not None:
            runner.stop()

    def stop(self) -> None:
        self.stop_jobs()
        self.pool.stop()


def _settle() -> None:
    """Load what a web process keeps for its life and would otherwise load at a first request
    (the title dictionary; every kind, with its validator), then collect what is garbage now and
    move every object still alive into the collector's permanent generation (``gc.freeze``),
    which no collection walks. Objects made later are collected as usual. In a process forked
    from one that settled, only what was made since is loaded and frozen."""
    formatting.warm_up()
    prepare_all()
    gc.collect()
    gc.freeze()


def _leave() -> None:
    """End the process now: batch jobs still running would make the interpreter wait for their
    thread pools at exit, document by document; their claims are given up and everything of
    ours is cleaned up, so end here, within the grace."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


# --- gunicorn ----------------------------------------------------------------------------------


class _WebWorker(ThreadWorker):  # type: ignore[misc]
    """gunicorn's threaded worker, which also stops its job runner as soon as SIGTERM or SIGINT comes
    (and takes SIGINT as SIGTERM: a graceful stop rather than gunicorn's quick one), and
    takes part in spreading the requests over the processes (docgen/spread.py): it publishes its
    requests in flight, listens for new connections only while it is a least busy process, and
    hands a client on to a less busy one when it holds clearly more.

    gunicorn's main thread takes every request up (``enqueue_req``) and sees every answer sent
    (``finish_request``), so the count is kept by that thread alone.
    """

    docgen_slot: int | None = None  # this process's slot in the load table, set by the master before the fork
    in_flight = 0  # requests taken up and not yet answered

    def enqueue_req(self, conn: Any) -> None:
        self.in_flight += 1
        self._publish()
        super().enqueue_req(conn)

    def finish_request(self, conn: Any, fs: Any) -> None:
        self.in_flight -= 1
        self._publish()
        super().finish_request(conn, fs)

    def _publish(self) -> None:
        if self.docgen_slot is not None:
            self.app.loads.publish(self.docgen_slot, self.in_flight)
            self.set_accept_enabled(self.alive and self.nr_conns < self.worker_connections)

    def set_accept_enabled(self, enabled: bool) -> None:
        # gunicorn's loop calls this with what its own limit allows; a busier process declines
        if enabled and self.docgen_slot is not None:
            enabled = self.app.loads.may_take_connections(self.docgen_slot, self.in_flight)
        super().set_accept_enabled(enabled)

    def wait_for_and_dispatch_events(self, timeout: float) -> None:
        # The others' loads change without this process knowing: one that declines looks again
        # soon (gunicorn's loop offers to accept again after every wait), so that a new
        # connection never waits in the backlog for a stale comparison.
        if self.docgen_slot is not None and self.alive and not self._accepting:
            timeout = min(timeout, RECHECK_SECONDS)
        super().wait_for_and_dispatch_events(timeout)

    def handle_request(self, req: Any, conn: Any) -> bool:
        if self.docgen_slot is not None and self.app.loads.should_hand_on(self.docgen_slot, self.in_flight):
            req.must_close = True
        return bool(super().handle_request(req, conn))

    def init_signals(self) -> None:
        super().init_signals()
        # Ctrl-C in a terminal reaches every process of its group: stop as on SIGTERM
        signal.signal(signal.SIGINT, self.handle_exit)
        signal.siginterrupt(signal.SIGINT, False)

    def handle_exit(self, sig: int, frame: Any) -> None:
        super().handle_exit(sig, frame)
        process = self.app.process  # the _Master's, in this process
        if process is not None:  # out of the signal handler: the runner writes to the job store
            threading.Thread(target=process.stop_jobs, name="docgen-jobs-stop", daemon=True).start()


class _Arbiter(Arbiter):  # type: ignore[misc]
    """gunicorn's master, which stops on SIGINT as on SIGTERM: gracefully, within the grace."""

    def handle_int(self) -> None:
        self.handle_term()


class _Master(BaseApplication):  # type: ignore[misc]  # gunicorn has no type hints
    """gunicorn's master over the bound socket; each web process builds its own app after the fork."""

    def __init__(self, settings: Settings, profile: Profile, listener: socket.socket, metrics_dir: Path):
        from .web.auth import secret_key  # the web package, once the metrics directory is set

        self.settings, self.profile, self.metrics_dir = settings, profile, metrics_dir
        self.loads = LoadTable(settings.processes)  # made before the fork: shared by every web process
        self.fd = listener.detach()  # gunicorn takes the bound socket over
        # One key for every process, so that a login (and its CSRF token) holds wherever its
        # next request lands.
        self.secret_key = secret_key(settings.data_dir, CredentialStore(settings.data_dir))
        self.process: WebProcess | None = None  # in a web process, once loaded
        super().__init__()

    def load_config(self) -> None:
        for name, value in gunicorn_options(self.settings, self.fd, self.metrics_dir).items():
            self.cfg.set(name, value)
        self.cfg.set("pre_fork", self._forking)
        self.cfg.set("post_worker_init", self._started)
        self.cfg.set("worker_exit", self._exited)
        reaped = self.cfg.child_exit  # gunicorn_options' hook (metrics, the log line)

        def child_exit(arbiter: Any, worker: Any) -> None:  # in the master, for a web process reaped
            self._vacate(worker)  # killed or not, its load no longer counts
            reaped(arbiter, worker)

        self.cfg.set("child_exit", child_exit)

    def run(self) -> None:
        try:
            _Arbiter(self).run()
        except RuntimeError as exc:  # as gunicorn's BaseApplication.run, which prints it and exits 1
            say(f"docgen 服务无法运行：{exc}")
            sys.exit(1)

    def load(self) -> Flask:
        self.process = WebProcess(self.settings, self.profile, self.secret_key)
        return self.process.app

    def _forking(self, arbiter: Any, worker: Any) -> None:
        # in the master: a slot no live process holds
        worker.docgen_slot = self.loads.claim(w.docgen_slot for w in arbiter.WORKERS.values())

    def _started(self, worker: Any) -> None:
        from .web.metrics import metrics_of

        assert self.process is not None
        self.process.start()
        metrics_of(self.process.app).refresh_every(METRICS_REFRESH_SECONDS)
        if worker.docgen_slot is not None:  # counted once it can take connections
            self.loads.publish(worker.docgen_slot, 0)

    def _vacate(self, worker: Any) -> None:
        if worker.docgen_slot is not None:
            self.loads.vacate(worker.docgen_slot)

    def _exited(self, arbiter: Any, worker: Any) -> None:
        # gunicorn also calls this in the master, for a worker found gone; and a web process
        # whose app could not be built leaves with gunicorn's own exit code, which stops the master.
        self._vacate(worker)  # stopping: it takes no more connections
        if os.getpid() == worker.pid and self.process is not None:
            self.process.stop()
            _leave()


def gunicorn_options(settings: Settings, fd: int, metrics_dir: Path) -> dict[str, Any]:
    """gunicorn's settings for ``settings`` over the bound socket ``fd``, but for the hooks that
    build and stop the web processes (bench/floor_server.py serves its peer app with them too)."""

    def ready(arbiter: Any) -> None:
        say(f"docgen 服务已启动：http://{settings.host}:{settings.port}/  （{settings.processes} 个服务进程；"
            "API 说明：/openapi.json）")

    def forked(arbiter: Any, worker: Any) -> None:
        # In the new process only: its requests get the grace, and the master waits a little
        # longer, for the process's own clean-up.
        worker.cfg.set("graceful_timeout", math.ceil(settings.shutdown_grace))  # gunicorn counts whole seconds

    def child_gone(arbiter: Any, worker: Any) -> None:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid, str(metrics_dir))  # its gauges no longer count
        if arbiter.LISTENERS:  # not stopping: the master starts another
            say(f"docgen：服务进程 {worker.pid} 已退出，由新的服务进程接替")

    def halted(arbiter: Any) -> None:
        say("docgen 服务已停止")

    return {
        "bind": [f"fd://{fd}"],
        "workers": settings.processes,
        "worker_class": _WebWorker,
        "threads": settings.threads,
        "keepalive": KEEPALIVE_SECONDS,
        "graceful_timeout": math.ceil(settings.shutdown_grace) + WORKER_EXIT_SECONDS,
        "forwarded_allow_ips": "",  # trust no proxy header
        "control_socket_disable": True,  # no control socket file in $HOME or $XDG_RUNTIME_DIR
        "proc_name": "docgen",
        "loglevel": "warning",  # the request log is docgen's own (docgen.requests)
        "when_ready": ready,
        "post_fork": forked,
        "child_exit": child_gone,
        "on_exit": halted,
    }


def _metrics_dir(work_dir: Path) -> Path:
    """A fresh directory for this service's metrics; those of services killed before they could
    remove theirs (their pid is in the name) are removed."""
    work_dir.mkdir(parents=True, exist_ok=True)
    for path in work_dir.glob(f"{METRICS_DIR_PREFIX}*-*"):
        owner = path.name[len(METRICS_DIR_PREFIX):].split("-", 1)[0]
        if owner.isdigit() and not Path(f"/proc/{owner}").exists():
            shutil.rmtree(path, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{METRICS_DIR_PREFIX}{os.getpid()}-", dir=work_dir))
