"""The PDF pool's hand-out and warm-up: workers go to callers first come, first served, every
worker converts the warm-up document before its first caller, and a worker at its budget keeps
serving until its successor is warm."""

from __future__ import annotations

import io
import threading
import time
import zipfile

import pytest
from conftest import SAMPLES, load_case, wait_until

import docgen
from docgen.converter import ConverterPool, PoolSettings, Worker, warm_up_document
from docgen.handoff import Handoff

LETTER = SAMPLES / "reply-letter" / "a-suggestion-school-crossing.json"


# --- the hand-out ---------------------------------------------------------------------------


def test_a_worker_given_back_goes_to_the_longest_waiter_not_to_whoever_asks_next():
    handoff: Handoff[int] = Handoff()
    got: dict[str, int] = {}
    waiters = []
    for name in ("first", "second", "third"):
        waiter = threading.Thread(target=lambda name=name: got.__setitem__(name, handoff.take(lambda: 5.0)))
        waiter.start()
        waiters.append(waiter)
        wait_until(lambda count=len(waiters): handoff.waiting() == count)
    handoff.put(1)
    assert handoff.take_idle() is None  # handed over, not left for a newcomer to grab
    handoff.put(2)
    handoff.put(3)
    for waiter in waiters:
        waiter.join(5)
    assert got == {"first": 1, "second": 2, "third": 3}
    assert handoff.waiting() == 0 and handoff.idle() == 0


def test_a_waiter_that_gives_up_leaves_the_line_and_nothing_is_lost():
    handoff: Handoff[int] = Handoff()
    checks = []

    def give_up_on_second_check() -> float:
        checks.append(time.monotonic())
        if len(checks) == 2:
            raise TimeoutError
        return 0.05

    with pytest.raises(TimeoutError):
        handoff.take(give_up_on_second_check)
    assert handoff.waiting() == 0
    handoff.put(1)
    assert handoff.take_idle() == 1


# --- warm-up and recycling (the real LibreOffice) -------------------------------------------


def test_every_worker_converts_the_warm_up_document_before_its_first_caller():
    with ConverterPool(PoolSettings(workers=2)) as own:
        assert [worker.conversions() for worker in own._workers] == [1, 1]
        status = own.status()
        assert status["warm_ups"] == 2 and status["conversions"] == 0
        assert all(worker.documents == 0 for worker in own._workers)


def test_the_warm_up_document_uses_every_face_of_docgens_font_mapping():
    body = zipfile.ZipFile(io.BytesIO(warm_up_document())).read("word/document.xml").decode()
    for face in ("仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312"):
        assert f'w:eastAsia="{face}"' in body


def test_a_recycled_workers_successor_has_converted_its_warm_up_before_it_joins():
    with ConverterPool(PoolSettings(workers=1, max_documents=2)) as own:
        joined: list[tuple[int, int, int]] = []  # (worker, its LibreOffice's conversions, callers' documents)
        give_back = own._idle.put

        def noting(worker: Worker) -> None:
            joined.append((worker.number, worker.conversions(), worker.documents))
            give_back(worker)

        own._idle.put = noting  # type: ignore[method-assign]
        docx = docgen.render("reply-letter", load_case(LETTER)).content
        (first,) = own.worker_pids()
        own.convert(docx)
        own.convert(docx)  # its budget: the successor starts
        assert own.status()["recycles"] == 1
        wait_until(lambda: own.status()["warm_ups"] == 2)
        own.convert(docx)  # the successor serves; the old worker leaves
        wait_until(lambda: own.worker_pids() != [first])
        successor = max(number for number, _, _ in joined)
        assert next(entry for entry in joined if entry[0] == successor) == (successor, 1, 0)


def test_a_worker_at_its_budget_keeps_serving_while_its_successor_starts():
    with ConverterPool(PoolSettings(workers=1, max_documents=1)) as own:
        docx = docgen.render("reply-letter", load_case(LETTER)).content
        (old,) = own._workers
        own.convert(docx)  # its budget: a successor starts, which takes seconds
        assert own.status()["alive"] == 2
        own.convert(docx)  # meanwhile the old worker serves: capacity never drops to none
        assert old.documents == 2
        wait_until(lambda: own.status()["warm_ups"] == 2)
        own.convert(docx)  # by the successor, warm: the old worker has left
        assert old not in own._workers and not old.alive()
