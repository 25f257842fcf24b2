"""Benchmark (not a test): HTTP .docx under 16 concurrent clients, on a real ``docgen serve``.

    .venv/bin/python bench/http_docx.py [--clients 16] [--requests 2000] [--serve-flag=...]

Posts the one-page reply letter to ``/api/v1/documents/reply-letter`` (→ .docx) from keep-alive
clients, after 200 requests of warm-up. ``serve`` runs with ``--queue-size=32`` so that all 16
clients are admitted; other flags pass through (e.g. ``--serve-flag=--concurrency=16``). Targets: ≥ 300 req/s, p99 ≤ 50 ms.
"""

from __future__ import annotations

import argparse

from serving import load, served


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--serve-flag", action="append", default=["--queue-size=32"],
                        help="a flag for docgen serve (default --queue-size=32, so that no client is refused)")
    args = parser.parse_args()
    with served(*args.serve_flag) as server:
        load(server, "/api/v1/documents/reply-letter", args.clients, 200)
        result = load(server, "/api/v1/documents/reply-letter", args.clients, args.requests)
    print(f"HTTP .docx, {args.clients} clients: {result.line()}")
    print("  targets: ≥ 300 req/s, p99 ≤ 50 ms")


if __name__ == "__main__":
    main()
