"""Admission of the working requests (POST): a fixed number at work, a bounded queue behind them,
and a deadline per request that covers its wait in the queue.

A request that finds the queue full, or that waits in it past its deadline, is answered at once
with 503 and ``Retry-After``. A web process gets threads for the working and the queued requests
and two more, so /healthz and the pages always find a thread.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from contextvars import Token

from flask import Flask, Response, g, request

from ..converter import reset_deadline, set_deadline
from ..settings import Settings
from .problems import ApiProblem, problem_response

EXTENSION = "docgen.admission"


class Admission:
    """Working slots taken in the order requests came: a request that finds them all taken waits
    in a first-come, first-served queue, and a slot given up passes straight to the longest
    waiter, so that a newcomer can never overtake a request that has been waiting."""

    def __init__(self, concurrency: int, queue_size: int):
        self.concurrency, self.queue_size = concurrency, queue_size
        self._lock = threading.Lock()
        self._queue: deque[threading.Event] = deque()
        self.active = 0

    @property
    def waiting(self) -> int:
        return len(self._queue)

    def enter(self, timeout: float) -> bool:
        """Take a working slot within ``timeout`` seconds; False when the queue is full or the
        time ran out."""
        with self._lock:
            if self.active < self.concurrency and not self._queue:
                self.active += 1
                return True
            if len(self._queue) >= self.queue_size:
                return False
            turn = threading.Event()
            self._queue.append(turn)
        if turn.wait(max(0.0, timeout)):
            return True
        with self._lock:
            if turn.is_set():  # the slot came as the time ran out: it is this request's now
                return True
            self._queue.remove(turn)
            return False

    def leave(self) -> None:
        with self._lock:
            if self._queue:
                self._queue.popleft().set()  # the slot passes on; active stays the same
            else:
                self.active -= 1

    def status(self) -> dict[str, int]:
        return {"active": self.active, "waiting": self.waiting, "concurrency": self.concurrency, "queue": self.queue_size}


def init_app(app: Flask, settings: Settings) -> Admission:
    admission = Admission(settings.concurrency, settings.queue_size)
    app.extensions[EXTENSION] = admission
    retry_after = str(max(1, math.ceil(settings.pdf_timeout / 2)))

    @app.before_request
    def admit() -> Response | None:
        if request.method != "POST":
            return None
        token: Token[float | None] = set_deadline(settings.request_timeout)
        if not admission.enter(settings.request_timeout):
            reset_deadline(token)
            response = problem_response(ApiProblem(
                503, "busy", "服务繁忙",
                f"正在处理的请求已满（{admission.concurrency} 个处理中，{admission.queue_size} 个排队），请 {retry_after} 秒后重试",
            ))
            response.headers["Retry-After"] = retry_after
            return response
        g.admission_token = token
        return None

    @app.teardown_request
    def release(_: BaseException | None) -> None:
        token = g.pop("admission_token", None)
        if token is not None:
            reset_deadline(token)
            admission.leave()

    return admission
