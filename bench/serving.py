"""A real ``docgen serve`` for the HTTP benchmarks, its peer (the bare HTTP stack), and wrk to load them.

The server runs this tree's code (``python -m docgen.cli serve``), or another checkout's (to
compare a change with the code before it), on a free port of 127.0.0.1, with TMPDIR and the
workers' directory in a fresh scratch directory; it is stopped with SIGTERM when the ``with``
block ends.

The load comes from wrk (Debian's ``wrk``, C and epoll, one thread): keep-alive connections,
each posting the same body back to back, for a fixed time. On a 2-core machine the client shares
the cores with the server, so it must be light: wrk's own CPU time is measured and printed with
every run (a Python client spends several times more per request). Its Lua script sets the body
and prints the counts and the latency percentiles as one JSON line.

Back to back, the clients keep the server saturated, and the latency is what waiting behind the
other clients costs (16 clients: about 16 ÷ throughput). With a ``rate``, the same connections
send at that many requests a second in all instead: the script's ``delay()`` gives each request
the next slot of one timetable (1 ÷ rate apart), so the latency is what a request meets at that
load. A request whose slot has passed while every connection was busy goes at once and is
counted as late (by more than 1 ms): then the timetable was not kept, and the server was
saturated at that moment.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

ROOT = Path(__file__).resolve().parents[1]
LETTER = (ROOT / "samples" / "reply-letter" / "a-suggestion-bus-shelter.json").read_bytes()
WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = assert(io.open(os.getenv("BODY_FILE"), "rb"))
wrk.body = f:read("*a")
f:close()
late = 0  -- a global of the thread's Lua state, read by done() (which runs in the main state)
local threads = {}
setup = function(thread) table.insert(threads, thread) end
local rate = tonumber(os.getenv("RATE") or "")
if rate then
  local ffi = require("ffi")
  ffi.cdef[[
    typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
    int clock_gettime(int clock, bench_timespec *now);
  ]]
  local now, slot = ffi.new("bench_timespec"), nil
  local function milliseconds()
    ffi.C.clock_gettime(1, now)  -- CLOCK_MONOTONIC
    return tonumber(now.tv_sec) * 1000 + tonumber(now.tv_nsec) / 1e6
  end
  delay = function()  -- the wait before the next request: its slot in the one timetable
    local t = milliseconds()
    slot = (slot or t) + 1000 / rate
    if slot - t < -1 then late = late + 1 end
    return math.max(slot - t, 0)
  end
end
done = function(summary, latency, requests)
  local e = summary.errors
  local late = 0
  for _, thread in ipairs(threads) do late = late + thread:get("late") end
  io.write(string.format('RESULT {"requests": %d, "seconds": %.6f, "p50": %.3f, "p99": %.3f, "non2xx": %d, '
    .. '"errors": %d, "late": %d}\\n', summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, e.status, e.connect + e.read + e.write + e.timeout, late))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def web_processes(server: int) -> list[int]:
    """The web processes of the ``docgen serve`` whose pid is ``server``: gunicorn's workers (the
    master's children that run `serve`), or the server itself when it serves alone (a checkout
    from before one process ran under gunicorn)."""
    children = [int(child) for child in Path(f"/proc/{server}/task/{server}/children").read_text().split()]
    return [child for child in children
            if b"serve" in Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")] or [server]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    name: str

    @property
    def pid(self) -> int:
        return self.process.pid


def _wait_until_up(process: subprocess.Popen[bytes], port: int, ready: Callable[[dict], bool]) -> None:
    until = time.monotonic() + 180
    while True:
        if process.poll() is not None or time.monotonic() > until:
            sys.exit(f"the server on port {port} did not come up")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if ready(json.load(r)):
                    return
        except OSError:
            pass
        time.sleep(0.3)


@contextlib.contextmanager
def _running(command: list[str], name: str, port: int, ready: Callable[[dict], bool],
             env: dict[str, str] | None = None, root: Path = ROOT) -> Iterator[Server]:
    """``command`` run in the checkout ``root``, with ``env`` added to (or overriding) its
    environment, once ``ready``."""
    scratch = Path(tempfile.mkdtemp(prefix="docgen-bench-serve-"))
    env = {**os.environ, "PYTHONPATH": str(root), "TMPDIR": str(scratch), "DOCGEN_WORK_DIR": str(scratch),
           "DOCGEN_DATA_DIR": str(scratch / "data"), **(env or {})}
    process = subprocess.Popen(command, env=env, cwd=root, stderr=subprocess.DEVNULL)
    try:
        _wait_until_up(process, port, ready)
        yield Server(process, port, name)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(scratch, ignore_errors=True)


@contextlib.contextmanager
def served(*flags: str, processes: int = 1, pdf_workers: int = 2, name: str = "docgen",
           env: dict[str, str] | None = None, root: Path = ROOT) -> Iterator[Server]:
    """``docgen serve`` with ``flags`` (and ``env`` added to its environment), once the PDF
    workers of every web process are idle. ``root`` is the checkout whose code it runs (``-m``
    imports from the working directory first)."""
    port = free_port()
    command = [sys.executable, "-m", "docgen.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--processes", str(processes), "--pdf-workers", str(pdf_workers), *flags]
    seen: set[int] = set()

    def ready(health: dict) -> bool:  # each /healthz is answered by one process: see them all
        if health["pdf"]["idle"] >= pdf_workers:
            seen.add(health["process"])
        return len(seen) >= processes

    with _running(command, name, port, ready, env, root) as server:
        yield server


@contextlib.contextmanager
def floor_served(body: bytes, media_type: str, *flags: str, processes: int = 1,
                 name: str = "HTTP floor") -> Iterator[Server]:
    """The peer: the same server, run the same way (bench/floor_server.py), with an app that
    answers every request with ``body``."""
    port = free_port()
    body_file = Path(tempfile.mkstemp(prefix="docgen-bench-floor-")[1])
    body_file.write_bytes(body)
    command = [sys.executable, str(ROOT / "bench" / "floor_server.py"), str(body_file), media_type,
               "--host", "127.0.0.1", "--port", str(port), "--processes", str(processes), *flags]
    try:
        with _running(command, name, port, lambda health: True) as server:
            yield server
    finally:
        body_file.unlink(missing_ok=True)


def fetch(server: Server, path: str, body: bytes = LETTER) -> bytes:
    request = urllib.request.Request(f"http://127.0.0.1:{server.port}{path}", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        return answer.read()


@dataclass
class Run:
    requests: int
    seconds: float
    p50: float
    p99: float
    non2xx: int
    errors: int
    client_cpu: float  # seconds of CPU wrk used
    server_cpu: float  # seconds of CPU the server's processes used, LibreOffice included
    late: int = 0  # paced runs: requests sent over 1 ms after their slot, every connection having been busy

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    @property
    def cpu_ms(self) -> float:
        """The server's CPU time per request: unlike the rate, it hardly depends on what else the
        machine runs, and on a quiet machine the rate is about cores ÷ (this + the client's share).
        A run in which a LibreOffice worker was recycled counts too little (a killed LibreOffice is
        reaped by init, and its time leaves the count), even less than nothing."""
        return 1000 * self.server_cpu / max(self.requests, 1)

    def line(self) -> str:
        problems = f", {self.non2xx} non-2xx, {self.errors} socket errors" if self.non2xx or self.errors else ""
        if self.late:
            problems += f", {self.late} late"

        return (f"{self.rate:7.1f} req/s  p50 {self.p50:6.1f} ms  p99 {self.p99:6.1f} ms  "
                f"CPU {self.cpu_ms:5.2f} ms/req  (wrk {100 * self.client_cpu / self.seconds:.0f}% of a core{problems})")


def tree_cpu(*roots: int) -> float:
    """Seconds of CPU used by the processes ``roots`` and all their descendants (with the children
    they have reaped, such as recycled LibreOffice workers)."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        pid = int(stat.parent.name)
        parents[pid] = int(fields[1])
        times[pid] = sum(int(value) for value in fields[11:15]) / tick  # utime stime cutime cstime
    total, stack = 0.0, [pid for pid in roots if pid in times]
    while stack:
        pid = stack.pop()
        total += times[pid]
        stack.extend(child for child, parent in parents.items() if parent == pid)
    return total


def wrk(server: Server, path: str, clients: int, seconds: float, body: bytes = LETTER,
        rate: float | None = None) -> Run:
    """One wrk run of ``clients`` keep-alive connections for ``seconds``: back to back, or at
    ``rate`` requests a second in all."""
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed for the HTTP benchmarks: apt-get install wrk (scripts/setup.sh installs it)")
    with tempfile.TemporaryDirectory(prefix="docgen-bench-wrk-") as scratch:
        script, body_file = Path(scratch) / "post.lua", Path(scratch) / "body"
        script.write_text(WRK_SCRIPT)
        body_file.write_bytes(body)
        before, server_before = resource.getrusage(resource.RUSAGE_CHILDREN), tree_cpu(server.pid)
        done = subprocess.run(["wrk", "-t1", f"-c{clients}", f"-d{seconds:g}s", "--timeout", "60s", "-s", str(script),
                               f"http://127.0.0.1:{server.port}{path}"],
                              env={**os.environ, "BODY_FILE": str(body_file), **({"RATE": f"{rate:g}"} if rate else {})},
                              capture_output=True, text=True, check=True)
        after, server_after = resource.getrusage(resource.RUSAGE_CHILDREN), tree_cpu(server.pid)
    line = next((line for line in done.stdout.splitlines() if line.startswith("RESULT ")), None)
    if line is None:
        sys.exit(f"wrk gave no result:\n{done.stdout}\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(**json.loads(line[len("RESULT "):]), client_cpu=cpu, server_cpu=server_after - server_before)


def median_run(runs: list[Run]) -> Run:
    """The run of median throughput."""
    return sorted(runs, key=lambda run: run.rate)[len(runs) // 2]


class Runner(Protocol):
    """Anything that can be loaded by ``clients`` clients for ``seconds`` (a server under wrk, a
    PDF pool driven by threads …)."""

    name: str

    def run(self, clients: int, seconds: float) -> Run: ...


@dataclass
class Wrk:
    """A server loaded by :func:`wrk`, posting ``body`` to ``path``."""

    server: Server
    path: str
    body: bytes = LETTER
    rate: float | None = None  # requests a second in all; None: back to back

    @property
    def name(self) -> str:
        return self.server.name

    def run(self, clients: int, seconds: float) -> Run:
        return wrk(self.server, self.path, clients, seconds, self.body, self.rate)


def alternate(servers: list[Server], path: str, clients: int, seconds: float, rounds: int,
              body: bytes = LETTER, rate: float | None = None) -> dict[str, list[Run]]:
    """``rounds`` rounds, each one run against every server in turn, so that a change in the
    machine's load touches all of them alike; at ``rate`` requests a second if given."""
    return alternate_runners([Wrk(server, path, body, rate) for server in servers], clients, seconds, rounds)


def alternate_runners(runners: Sequence[Runner], clients: int, seconds: float, rounds: int) -> dict[str, list[Run]]:
    """:func:`alternate` for runners of any kind, mixed as they come."""
    runs: dict[str, list[Run]] = {runner.name: [] for runner in runners}
    for number in range(rounds):
        for runner in runners:
            run = runner.run(clients, seconds)
            runs[runner.name].append(run)
            print(f"  round {number + 1}  {runner.name:<34} {run.line()}  [load {load_average()}]", flush=True)
    return runs


def report(runs: dict[str, list[Run]], peer: str) -> None:
    """Each server's median run, and its throughput and p99 as ratios of the peer's."""
    base = median_run(runs[peer])
    print(f"\nmedians of {len(runs[peer])} rounds (ratios to {peer}: of throughput, of p99, of CPU per request):")
    for name, server_runs in runs.items():
        run = median_run(server_runs)
        spread = statistics.pstdev([r.rate for r in server_runs]) / max(run.rate, 1e-9)
        print(f"  {name:<34} {run.line()}  ratio {run.rate / base.rate:4.2f}  p99 ratio {run.p99 / base.p99:4.2f}"
              f"  CPU ratio {run.cpu_ms / base.cpu_ms:4.2f}  (spread ±{100 * spread:.0f}%)")


# --- a Python client bounded by a number of requests (bench/rss.py counts requests, not seconds) ---


@dataclass
class Load:
    statuses: dict[int, int]
    latencies_ms: list[float]
    seconds: float

    @property
    def rate(self) -> float:
        return len(self.latencies_ms) / self.seconds

    def percentile(self, p: int) -> float:
        return statistics.quantiles(self.latencies_ms, n=100)[p - 1]

    def line(self) -> str:
        return (f"{len(self.latencies_ms)} requests in {self.seconds:.1f} s: {self.rate:.1f} req/s, "
                f"p50 {self.percentile(50):.0f} ms, p99 {self.percentile(99):.0f} ms, statuses {self.statuses}")


def load(server: Server, path: str, clients: int, requests: int, body: bytes = LETTER) -> Load:
    """``clients`` clients posting ``body`` to ``path`` back to back, ``requests`` in all."""
    remaining = iter(range(requests))
    lock = threading.Lock()
    statuses: dict[int, int] = {}
    latencies: list[float] = []

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        try:
            while True:
                with lock:
                    if next(remaining, None) is None:
                        return
                began = time.perf_counter()
                connection.request("POST", path, body=body, headers={"Content-Type": "application/json"})
                response = connection.getresponse()
                response.read()
                elapsed = (time.perf_counter() - began) * 1000
                with lock:
                    statuses[response.status] = statuses.get(response.status, 0) + 1
                    latencies.append(elapsed)
        finally:
            connection.close()

    return Load(statuses, latencies, in_threads(client, clients))


def in_threads(target: Callable[[], None], count: int) -> float:
    """Run ``target`` in ``count`` threads at once; the seconds until all have returned."""
    began = time.perf_counter()
    threads = [threading.Thread(target=target) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began
