"""Benchmark (not a test): resident memory of one web worker after 10,000 requests.

    .venv/bin/python bench/rss.py [--requests 10000] [--clients 4]

A real ``docgen serve`` (this tree's code, 2 LibreOffice workers) answers reply letters from 4
keep-alive clients: nine .docx to one PDF, over the five reply-letter samples of the default
profile. Prints the server process's RSS (LibreOffice's processes are not the web worker's)
after start-up, after the first 1,000 requests and at the end. Target: ≤ 150 MB after 10,000.
"""

from __future__ import annotations

import argparse

from serving import ROOT, load, rss_mb, served

SAMPLES = [path.read_bytes() for path in sorted((ROOT / "samples" / "reply-letter").glob("*.json"))
           if not path.with_suffix(".toml").exists()]
DOCX, PDF = "/api/v1/documents/reply-letter", "/api/v1/documents/reply-letter?format=pdf"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    with served("--queue-size", "32") as server:
        print(f"RSS after start-up: {rss_mb(server.pid):.0f} MB")
        done, step, statuses = 0, 100, {}
        while done < args.requests:
            body = SAMPLES[(done // step) % len(SAMPLES)]
            path = PDF if (done // step) % 10 == 9 else DOCX
            result = load(server, path, args.clients, step, body)
            for status, count in result.statuses.items():
                statuses[status] = statuses.get(status, 0) + count
            done += step
            if done == 1000:
                print(f"RSS after {done} requests: {rss_mb(server.pid):.0f} MB")
        print(f"RSS after {done} requests: {rss_mb(server.pid):.0f} MB   (target ≤ 150 MB); statuses {statuses}")


if __name__ == "__main__":
    main()
