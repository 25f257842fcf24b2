"""The PDF pool's hand-out: workers go to callers first come, first served."""

from __future__ import annotations

import threading
import time

import pytest

from docgen.handoff import Handoff


def wait_until(condition, seconds: float = 60) -> None:
    until = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < until, "timed out"
        time.sleep(0.05)


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
