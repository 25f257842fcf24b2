"""The load table the web processes share (docgen/spread.py): who may take new connections and who
hands its clients on, and that the table is one across a fork. Its use by real web processes is
checked in test_serve_processes.py."""

from __future__ import annotations

import os

from docgen.spread import IMBALANCE, LoadTable


def test_only_a_least_busy_process_takes_new_connections():
    table = LoadTable(2)
    a, b = 0, 1
    table.publish(a, 3)
    table.publish(b, 1)
    assert not table.may_take_connections(a, 3)
    assert table.may_take_connections(b, 1)
    table.publish(b, 3)
    assert table.may_take_connections(a, 3) and table.may_take_connections(b, 3)  # a tie: either


def test_a_process_alone_or_beside_vacant_slots_takes_every_connection():
    table = LoadTable(3)
    table.publish(0, 7)
    assert table.may_take_connections(0, 7)
    assert not table.should_hand_on(0, 7)


def test_a_process_hands_its_client_on_from_IMBALANCE_requests_ahead():
    table = LoadTable(2)
    table.publish(1, 2)
    assert not table.should_hand_on(0, 2 + IMBALANCE - 1)
    assert table.should_hand_on(0, 2 + IMBALANCE)


def test_a_vacated_slot_no_longer_counts_and_is_claimed_again():
    table = LoadTable(2)
    table.publish(0, 5)
    table.publish(1, 0)  # a process that died with nothing in flight …
    assert not table.may_take_connections(0, 5)
    table.vacate(1)  # … reaped by the master: the survivor takes connections again
    assert table.may_take_connections(0, 5)
    assert table.claim([0, 2, 3]) == 1
    assert table.claim([0, 1, 2, 3]) is None


def test_what_a_forked_process_publishes_is_seen_by_its_parent():
    table = LoadTable(2)
    pid = os.fork()
    if pid == 0:  # the child: publish and leave at once
        table.publish(1, 4)
        os._exit(0)
    os.waitpid(pid, 0)
    assert table.least_of_others(0) == 4


def test_gunicorns_master_gives_each_web_process_a_slot_and_vacates_it_when_the_process_is_reaped(tmp_path):
    """The slot of a web process killed outright is vacated by the master as it reaps the process
    (the process could not do it), beside the metrics clean-up of the same hook."""
    import socket
    from types import SimpleNamespace

    from docgen.profile import default_profile
    from docgen.server import _Master
    from docgen.settings import Settings

    settings = Settings(processes=2, data_dir=tmp_path / "data", work_dir=tmp_path)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    master = _Master(settings, default_profile(), listener, tmp_path)
    try:
        arbiter = SimpleNamespace(WORKERS={}, LISTENERS=[])
        first, second = SimpleNamespace(pid=101), SimpleNamespace(pid=102)
        master.cfg.pre_fork(arbiter, first)
        arbiter.WORKERS[first.pid] = first
        master.cfg.pre_fork(arbiter, second)
        arbiter.WORKERS[second.pid] = second
        assert {first.docgen_slot, second.docgen_slot} == {0, 1}
        master.loads.publish(first.docgen_slot, 0)
        master.loads.publish(second.docgen_slot, 3)
        assert not master.loads.may_take_connections(second.docgen_slot, 3)

        gauge = tmp_path / f"gauge_livesum_{first.pid}.db"  # what prometheus-client keeps of a live process
        gauge.write_bytes(b"")
        del arbiter.WORKERS[first.pid]
        master.cfg.child_exit(arbiter, first)  # reaped: the other takes connections again
        assert master.loads.may_take_connections(second.docgen_slot, 3)
        assert not gauge.exists()  # and the metrics hook still ran
    finally:
        os.close(master.fd)
