"""Benchmark (not a test): HTTP PDF under 4 concurrent clients, on a real ``docgen serve``.

    .venv/bin/python bench/http_pdf.py [--clients 4] [--requests 300] [--serve-flag=...]

Posts the one-page reply letter to ``/api/v1/documents/reply-letter?format=pdf`` from keep-alive
clients, after 20 requests of warm-up, with the default pool (one LibreOffice worker per core).
Targets: ≥ 20 req/s, p99 ≤ 300 ms.
"""

from __future__ import annotations

import argparse
import os

from serving import load, served

PATH = "/api/v1/documents/reply-letter?format=pdf"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--serve-flag", action="append", default=[], help="a flag for docgen serve")
    args = parser.parse_args()
    with served(*args.serve_flag, pdf_workers=os.cpu_count() or 2) as server:
        load(server, PATH, args.clients, 20)
        result = load(server, PATH, args.clients, args.requests)
    print(f"HTTP PDF, {args.clients} clients: {result.line()}")
    print("  targets: ≥ 20 req/s, p99 ≤ 300 ms")


if __name__ == "__main__":
    main()
