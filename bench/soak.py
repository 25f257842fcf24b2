"""Soak benchmark: mixed .docx/PDF load on a real `docgen serve`, with a LibreOffice worker killed
every minute. A script, not a test.

    .venv/bin/python bench/soak.py [--minutes 10] [--clients 4] [--kill-every 60] [--server-log FILE]

Bounded and loopback-only: the server listens on a free port of 127.0.0.1, the run stops after
``--minutes``, and the server is stopped (SIGTERM) at the end. The server's TMPDIR and work
directory are a fresh directory, so whatever it leaves there is measured, not guessed.

Reports: requests by status, errors that are not 504, latency, the server's RSS after the first
minute against the end (flat means within ±10%), and the growth of its temporary files.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

from docgen.converter import process_group, workers_of
from serving import free_port, rss_mb, web_processes

ROOT = Path(__file__).resolve().parents[1]
CASES = [
    (ROOT / "samples" / "reply-letter" / name).read_bytes()
    for name in ("a-suggestion-bus-shelter.json", "b-suggestion-elevators.json", "c-proposal-metro-line.json")
]


def tree_bytes(root: Path) -> int:
    total = 0
    for path in root.rglob("*"):
        try:
            if path.is_file() and not path.is_symlink():
                total += path.stat().st_size
        except OSError:
            pass
    return total


def request(base: str, index: int) -> tuple[str, int, float]:
    fmt = "pdf" if index % 2 else "docx"
    body = CASES[index % len(CASES)]
    began = time.monotonic()
    req = urllib.request.Request(f"{base}/api/v1/documents/reply-letter?format={fmt}", data=body,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            r.read()
            status = r.status
    except urllib.error.HTTPError as e:
        status = e.code
    except OSError:
        status = 0  # no answer at all
    return fmt, status, time.monotonic() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--kill-every", type=float, default=60, help="seconds between worker kills")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--server-log", type=Path, help="where to keep the server's standard error")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="docgen-soak-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "TMPDIR": str(scratch), "DOCGEN_WORK_DIR": str(scratch)}
    server = subprocess.Popen([str(Path(sys.executable).with_name("docgen")), "serve", "--host", "127.0.0.1",
                               "--port", str(port), "--pdf-workers", str(args.workers)],
                              env=env, stderr=args.server_log.open("w") if args.server_log else subprocess.DEVNULL)
    try:
        until = time.monotonic() + 120
        while time.monotonic() < until:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as r:
                    if json.load(r)["pdf"]["idle"] >= args.workers:
                        break
            except OSError:
                pass
            time.sleep(0.5)
        results: list[tuple[str, int, float]] = []
        lock = threading.Lock()
        stop_at = time.monotonic() + args.minutes * 60
        counter = iter(range(10**9))

        def client() -> None:
            while time.monotonic() < stop_at:
                outcome = request(base, next(counter))
                with lock:
                    results.append(outcome)

        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        for t in threads:
            t.start()
        began = time.monotonic()
        samples: list[tuple[float, float, int]] = []  # (seconds, server RSS MB, scratch bytes)
        kills = 0
        pipes: set[str] = set()  # LibreOffice's OSL pipes live in /tmp whatever TMPDIR says
        next_kill = began + args.kill_every
        while time.monotonic() < stop_at:
            time.sleep(5)
            samples.append((time.monotonic() - began, rss_mb(web_processes(server.pid)[0]), tree_bytes(scratch)))
            for noted in scratch.glob("docgen-lo-*/pipes"):
                try:
                    pipes.update(noted.read_text().split())
                except OSError:
                    pass
            if time.monotonic() >= next_kill:
                victims = workers_of(web_processes(server.pid)[0])
                if victims:
                    victim = victims[kills % len(victims)]
                    for pid in set(process_group(victim)) - {victim}:  # LibreOffice, not its driver
                        os.kill(pid, signal.SIGKILL)
                    kills += 1
                next_kill += args.kill_every
        for t in threads:
            t.join()
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    left = sorted(p.name for p in scratch.iterdir())
    statuses = Counter(status for _, status, _ in results)
    errors = sum(n for status, n in statuses.items() if status not in (200, 504))
    after_warmup = [rss for t, rss, _ in samples if t >= min(60, args.minutes * 30)]
    report = {
        "minutes": args.minutes,
        "clients": args.clients,
        "workers killed": kills,
        "requests": len(results),
        "by status": dict(sorted(statuses.items())),
        "errors other than 504": errors,
        "latency ms (p50/p99)": {
            fmt: [round(statistics.median(ts) * 1000), round(statistics.quantiles(ts, n=100)[98] * 1000)]
            for fmt in ("docx", "pdf")
            if len(ts := [e for f, s, e in results if f == fmt and s == 200]) >= 2
        },
        "server RSS MB (after warm-up, end, min, max)": [
            round(after_warmup[0]), round(after_warmup[-1]), round(min(after_warmup)), round(max(after_warmup)),
        ] if after_warmup else None,
        "RSS change after warm-up %": round((after_warmup[-1] / after_warmup[0] - 1) * 100, 1) if after_warmup else None,
        "temporary bytes (first sample, max, last sample)": [samples[0][2], max(s[2] for s in samples), samples[-1][2]]
        if samples else None,
        "left in TMPDIR after stop": left,
        "OSL pipes of the run left in /tmp": sorted(p for p in pipes if Path(p).exists()),
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    if not left:
        scratch.rmdir()


if __name__ == "__main__":
    main()
