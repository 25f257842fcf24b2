"""Running the store's jobs in this process: a few threads claim unfinished jobs, one at a time
each, and do their work; a heartbeat renews the claims. Jobs another process left (killed, or
stopped) are claimed as soon as their claim lapses, so unfinished jobs resume on start."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from . import callback
from .store import Job, JobStore, claimer_name

log = logging.getLogger(__name__)

# Does a job's work; the callable says whether to carry on (see execute.run_job).
Work = Callable[[str, Callable[[], bool]], None]


@dataclass(frozen=True)
class RunnerSettings:
    threads: int = 2
    lease: float = 60.0  # seconds a claim lasts without renewal
    poll: float = 1.0  # seconds between looks for jobs other processes submitted or left
    keep: int = 200  # finished jobs kept
    callback_attempts: int = 5
    callback_timeout: float = 10.0


class JobRunner:
    def __init__(self, store: JobStore, work: Work, settings: RunnerSettings | None = None):
        self.store, self.work = store, work
        self.settings = settings or RunnerSettings()
        self.name = claimer_name()
        self._lock = threading.Lock()
        self._running: set[str] = set()
        self._lost: set[str] = set()
        self._threads: list[threading.Thread] = []
        self._wake = threading.Event()
        self._stopping = threading.Event()

    @property
    def started(self) -> bool:
        return bool(self._threads)

    def start(self) -> None:
        """Start the threads (once); they first take up the unfinished jobs."""
        with self._lock:
            if self._threads or self._stopping.is_set():
                return
            for number in range(self.settings.threads):
                thread = threading.Thread(target=self._serve, name=f"docgen-job-{number + 1}", daemon=True)
                thread.start()
                self._threads.append(thread)
            heartbeat = threading.Thread(target=self._heartbeat, name="docgen-job-heartbeat", daemon=True)
            heartbeat.start()
            self._threads.append(heartbeat)

    def wake(self) -> None:
        """A job was submitted: start if need be, and look for it now."""
        self.start()
        self._wake.set()

    def stop(self) -> None:
        """Stop taking jobs, stop the running ones at their next document, and give up the
        claims so another process (or the next start) resumes them at once."""
        self._stopping.set()
        self._wake.set()
        self.store.release_all(self.name)

    # --- the threads ---------------------------------------------------------------------------

    def _serve(self) -> None:
        while not self._stopping.is_set():
            job = self._claim_next()
            if job is None:
                self._wake.wait(self.settings.poll)
                self._wake.clear()
                continue
            try:
                self._run(job)
            except Exception:  # noqa: BLE001 — the store said no (disk, database); try again later
                log.exception("batch job %s could not be run", job.id)
            finally:
                with self._lock:
                    self._running.discard(job.id)
                    self._lost.discard(job.id)
                if not self._stopping.is_set():
                    self.store.release(job.id, self.name)

    def _claim_next(self) -> Job | None:
        for job in self.store.unfinished():
            with self._lock:
                if job.id in self._running or self._stopping.is_set():
                    continue
                if self.store.claim(job.id, self.name, self.settings.lease):
                    self._running.add(job.id)
                    return job
        return None

    def _carry_on(self, job_id: str) -> bool:
        if self._stopping.is_set():
            return False
        with self._lock:
            if job_id in self._lost:
                return False
        job = self.store.get(job_id)
        return job is not None and job.state != "cancelled"

    def _run(self, job: Job) -> None:
        if not job.finished_state:
            self.work(job.id, lambda: self._carry_on(job.id))
        if self._stopping.is_set():
            return
        finished = self.store.get(job.id)
        if finished is None or not finished.finished_state:
            return
        if finished.callback_state == "pending" and finished.callback_url and finished.callback_secret:
            delivered = callback.deliver(
                finished.callback_url, finished.callback_secret, finished.status(),
                attempts=self.settings.callback_attempts, timeout=self.settings.callback_timeout,
            )
            self.store.callback_done(job.id, "delivered" if delivered else "failed")
        self.store.prune(self.settings.keep)

    def _heartbeat(self) -> None:
        while not self._stopping.wait(self.settings.lease / 4):
            with self._lock:
                running = list(self._running)
            for job_id in running:
                if not self.store.renew(job_id, self.name, self.settings.lease):
                    with self._lock:
                        self._lost.add(job_id)
