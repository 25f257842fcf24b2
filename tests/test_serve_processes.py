"""`docgen serve --processes 2`: two web processes (gunicorn) behind one port on loopback, each with
its own LibreOffice pool, against the real processes: both answer, the master replaces one that is
killed (its LibreOffice workers leave with it), and /metrics adds up both.

Shutdown with running requests, admission and settings are checked in both modes in test_faults.py.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import time
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from conftest import open_docx, wait_until
from test_faults import LETTER, Server, home_of, leftovers, server_factory  # noqa: F401 — the fixture stops the servers

from docgen.converter import process_group, workers_of

PDF = "/api/v1/documents/reply-letter?format=pdf"
DOCX = "/api/v1/documents/reply-letter"


def two_processes(server_factory) -> Server:
    server = server_factory("--processes", "2", "--pdf-workers", "1")
    server.wait_for_workers(1)
    assert len(server.web_processes()) == 2
    return server


def post_all(server: Server, path: str, count: int, clients: int = 4) -> list[tuple[int, bytes]]:
    """``count`` posts of the letter, ``clients`` at a time, each on a new connection."""
    with ThreadPoolExecutor(clients) as pool:
        return [(status, body) for status, _, body in pool.map(lambda _: server.post(path, LETTER), range(count))]


def metric(server: Server, line: str) -> float:
    """The value of the sample ``line`` names (its name and labels as exposed)."""
    with urllib.request.urlopen(server.base + "/metrics", timeout=10) as answer:
        text = answer.read().decode()
    found = re.search(rf"^{re.escape(line)} (\S+)$", text, re.M)
    assert found, f"{line} not in /metrics:\n{text}"
    return float(found.group(1))


def test_two_processes_share_the_port_and_both_convert_documents(server_factory):
    server = two_processes(server_factory)
    docx = post_all(server, DOCX, 8)
    assert {status for status, _ in docx} == {200}
    assert all(open_docx(body).paragraphs for _, body in docx)
    pdfs = post_all(server, PDF, 16)
    assert {status for status, _ in pdfs} == {200} and all(body.startswith(b"%PDF") for _, body in pdfs)

    conversions: dict[int, int] = {}  # each process's own pool, as its /healthz reports it

    def both_seen() -> bool:
        health = server.get("/healthz")[2]
        conversions[health["process"]] = health["pdf"]["conversions"]
        return set(conversions) == set(server.web_processes())

    wait_until(both_seen)
    assert sum(conversions.values()) == 16 and all(count >= 1 for count in conversions.values()), conversions
    assert server.terminate() < 15


def test_metrics_add_up_the_requests_and_pools_of_both_processes(server_factory):
    server = two_processes(server_factory)
    assert {status for status, _ in post_all(server, DOCX, 12)} == {200}
    assert {status for status, _ in post_all(server, PDF, 6)} == {200}
    # A process copies its pool's counts every second: once both have, every scrape agrees.
    assert wait_until(lambda: metric(server, "docgen_pdf_conversions_total") == 6)
    # Whichever process answers the scrape, it counts what both did.
    for _ in range(4):
        assert metric(server, 'docgen_documents_rendered_total{format="docx",kind="reply-letter"}') == 12
        assert metric(server, 'docgen_documents_rendered_total{format="pdf",kind="reply-letter"}') == 6
        assert metric(server, 'docgen_http_requests_total{method="POST",route="/api/v1/documents/<kind>",status="200"}') == 18
        assert metric(server, "docgen_pdf_conversions_total") == 6
    # Each process copies its pool's state every second: one worker each, two in all.
    wait_until(lambda: metric(server, 'docgen_pdf_workers{state="configured"}') == 2)
    assert metric(server, "docgen_requests_active") <= 1  # the scrape's own process copies at scrape time
    assert server.terminate() < 15


def test_a_killed_web_process_is_replaced_and_its_libreoffice_workers_leave(server_factory):
    server = two_processes(server_factory)
    assert {status for status, _ in post_all(server, DOCX, 8)} == {200}
    victim, survivor = server.web_processes()
    victim_workers = workers_of(victim)
    homes = [home_of(worker) for worker in victim_workers]
    assert victim_workers and all(home.exists() for home in homes)

    os.kill(victim, signal.SIGKILL)
    # The other process answers at once, documents and PDFs.
    assert {status for status, _ in post_all(server, DOCX, 6)} == {200}
    assert {status for status, _ in post_all(server, PDF, 2)} == {200}

    replaced = wait_until(lambda: victim not in server.web_processes() and len(server.web_processes()) == 2)
    assert replaced and survivor in server.web_processes()
    server.wait_for_workers(1)  # the new process has its own pool
    wait_until(lambda: all(process_group(worker) == [] for worker in victim_workers), within=15)
    wait_until(lambda: not any(home.exists() for home in homes), within=15)
    # The dead process's counts stay; its pool no longer counts among the workers.
    assert metric(server, 'docgen_documents_rendered_total{format="docx",kind="reply-letter"}') == 14
    wait_until(lambda: metric(server, 'docgen_pdf_workers{state="configured"}') == 2)
    # The new process took the dead one's place in the load table: with a request held in each
    # live process, a new connection is still taken (a stale load below theirs would make both
    # decline it for ever).
    one_each = kept_alive(server, lambda taken: len(taken) == 2)
    held = [connections[0] for connections in one_each.values()]
    for connection in held:
        hold(connection)
    time.sleep(0.5)
    fresh = connect(server, timeout=10)
    assert health_on(fresh)[0] in one_each
    for connection in held:
        release(connection)
    for connection in [fresh, *(c for connections in one_each.values() for c in connections)]:
        connection.close()
    web = server.web_processes()
    assert server.terminate() < 15
    assert server.process.returncode == 0
    time.sleep(0.5)
    assert server.workers() == [] and leftovers(server.process.pid, victim, *web) == []


def test_settings_reach_every_process_and_a_port_in_use_is_refused(server_factory):
    server = server_factory("--processes", "2", "--pdf-workers", "2", "--concurrency", "3", "--queue-size", "5")
    server.wait_for_workers(2)
    seen: dict[int, dict] = {}

    def both_seen() -> bool:
        health = server.get("/healthz")[2]
        seen[health["process"]] = health
        return len(seen) == 2

    wait_until(both_seen)
    assert all(h["requests"]["concurrency"] == 3 and h["requests"]["queue"] == 5 and h["pdf"]["workers"] == 2
               for h in seen.values())
    taken = server_factory("--processes", "2", "--port", str(server.port))
    assert taken.process.wait(timeout=30) == 2
    assert f"无法监听 127.0.0.1:{server.port}" in taken.process.stderr.read()
    assert server.terminate() < 15



def health_on(connection: http.client.HTTPConnection, *, last: bool = False) -> tuple[int, str | None]:
    """GET /healthz on ``connection``: the process that answered, and the answer's Connection
    header; with ``last``, the request asks the server to close the connection after it."""
    connection.request("GET", "/healthz", headers={"Connection": "close"} if last else {})
    answer = connection.getresponse()
    body = json.loads(answer.read())
    return body["process"], answer.getheader("Connection")


def connect(server: Server, timeout: float = 30) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)


def kept_alive(server: Server, enough: Callable[[dict[int, list]], bool]) -> dict[int, list[http.client.HTTPConnection]]:
    """New kept-alive connections, by the process that took each, until ``enough`` of them. A
    process counts a request until its main thread has seen the answer go, so on a loaded
    machine the one that answers may still count the last one, find itself two ahead and close
    the connection: such a connection is not kept."""
    taken: dict[int, list[http.client.HTTPConnection]] = {}
    for _ in range(60):
        if enough(taken):
            return taken
        connection = connect(server)
        process, kept = health_on(connection)
        if kept == "keep-alive":
            taken.setdefault(process, []).append(connection)
        else:
            connection.close()
    raise AssertionError(f"60 connections, and still not enough: {({p: len(c) for p, c in taken.items()})}")


def hold(connection: http.client.HTTPConnection) -> None:
    """Post the letter on ``connection`` with half its body: the request stays in flight."""
    connection.putrequest("POST", DOCX)
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", str(len(LETTER)))
    connection.endheaders(LETTER[: len(LETTER) // 2])


def release(connection: http.client.HTTPConnection) -> None:
    """Send the rest of the held letter; it is answered in full."""
    connection.send(LETTER[len(LETTER) // 2:])
    answer = connection.getresponse()
    assert answer.status == 200 and open_docx(answer.read()).paragraphs


def test_new_connections_go_to_the_process_with_fewer_requests_and_a_busier_one_hands_its_clients_on(server_factory):
    """Four requests held in flight in one process (their bodies half sent) make it the busier
    one: every new connection is then taken by the other (which holds one request at a time, two
    while its main thread has yet to see the last answer go: each new connection asks to be
    closed after its answer, so that none is left for the server to see closing), and a request
    that puts the busier one IMBALANCE or more requests ahead is answered with ``Connection:
    close``, so that its client connects again (to the other). The held requests are then
    answered in full."""
    server = two_processes(server_factory)
    idle = kept_alive(server, lambda taken: any(len(connections) >= 5 for connections in taken.values()))
    busy = next(process for process, connections in idle.items() if len(connections) >= 5)
    *held, other = idle[busy][:5]
    try:
        for connection in held:
            hold(connection)

        def fresh_lands_elsewhere() -> bool:
            fresh = connect(server)
            try:
                return health_on(fresh, last=True)[0] != busy
            finally:
                fresh.close()

        time.sleep(0.5)  # the held requests are taken up
        assert all(fresh_lands_elsewhere() for _ in range(12))  # by chance: 1 in 4,096
        assert health_on(other) == (busy, "close")  # 5 in flight against at most 2

        for connection in held:
            release(connection)
    finally:
        for connection in (c for connections in idle.values() for c in connections):
            connection.close()
    assert server.terminate() < 15
