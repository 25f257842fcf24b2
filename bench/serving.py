"""A real ``docgen serve`` for the HTTP benchmarks, and clients that load it.

The server runs this tree's code (``python -m docgen.cli serve``) on a free port of 127.0.0.1,
with TMPDIR and the workers' directory in a fresh scratch directory; it is stopped with SIGTERM
when the ``with`` block ends. Clients are threads with one keep-alive connection each, and every
run is bounded by a number of requests.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LETTER = (ROOT / "samples" / "reply-letter" / "a-suggestion-bus-shelter.json").read_bytes()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int

    @property
    def pid(self) -> int:
        return self.process.pid


@contextlib.contextmanager
def served(*flags: str, pdf_workers: int = 2, env: dict[str, str] | None = None) -> Iterator[Server]:
    """``docgen serve`` with ``flags``, once its PDF workers are idle (or at once without them);
    ``env`` adds to (or overrides) the server's environment."""
    scratch = Path(tempfile.mkdtemp(prefix="docgen-bench-serve-"))
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(scratch), "DOCGEN_WORK_DIR": str(scratch), **(env or {})}
    process = subprocess.Popen([sys.executable, "-m", "docgen.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
                                "--pdf-workers", str(pdf_workers), *flags], env=env, stderr=subprocess.DEVNULL)
    try:
        until = time.monotonic() + 180
        while True:
            if process.poll() is not None or time.monotonic() > until:
                sys.exit("docgen serve did not come up")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    if json.load(r)["pdf"]["idle"] >= pdf_workers:
                        break
            except OSError:
                pass
            time.sleep(0.3)
        yield Server(process, port)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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

    began = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Load(statuses, latencies, time.perf_counter() - began)
