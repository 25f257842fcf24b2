"""The job store: SQLite records and result files under one data directory.

``<data_dir>/jobs.sqlite3`` holds one row per job and one per stored document; each job has a
directory ``<data_dir>/jobs/<id>/`` with its input (``request.json``), its documents as they are
rendered (``documents/<index>``) and, once done, its one result file (``result``). Files are
written to a temporary name and renamed, so nothing half-written is ever read.

Several processes may share a store: SQLite runs in WAL mode, and a job is *claimed* by one
process at a time (``claimed_by``, ``lease_until``). A claim lapses when its lease runs out, or
at once when the claiming process is known to be dead (same host, pid gone), so another process
resumes the job. A document stored twice (a rendering repeated after a crash) is kept once.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import time
import uuid
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from ..errors import ConfigError

UNFINISHED = ("queued", "running")
FINISHED = ("done", "failed", "cancelled")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    output TEXT NOT NULL,
    document_format TEXT NOT NULL,
    strict INTEGER NOT NULL,
    draft INTEGER NOT NULL,
    state TEXT NOT NULL,
    total INTEGER NOT NULL,
    done INTEGER NOT NULL DEFAULT 0,
    report TEXT,
    error TEXT,
    filename TEXT,
    media_type TEXT,
    created REAL NOT NULL,
    finished REAL,
    claimed_by TEXT,
    lease_until REAL,
    owner TEXT,
    expires_at REAL,
    callback_url TEXT,
    callback_secret TEXT,
    callback_state TEXT
);
CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs (state, created);
CREATE TABLE IF NOT EXISTS documents (
    job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    filename TEXT NOT NULL,
    media_type TEXT NOT NULL,
    PRIMARY KEY (job_id, idx)
);
"""


def claimer_name() -> str:
    """``host:pid:token``, how a claim names the runner that holds it (one process may have several)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _dead(claimer: str | None) -> bool:
    """Whether ``claimer`` ran in a process of this host that no longer runs."""
    host, pid, _ = ((claimer or "").rsplit(":", 2) + ["", ""])[:3]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


@dataclass(frozen=True)
class JobSpec:
    """What a job was asked to do; its cases are kept in the job's ``request.json``."""

    kind: str
    output: str
    document_format: str
    strict: bool
    draft: bool
    total: int
    owner: str | None = None
    expires_at: float | None = None
    callback_url: str | None = None
    callback_secret: str | None = None


@dataclass(frozen=True)
class Job:
    """One job's record as stored."""

    id: str
    kind: str
    output: str
    document_format: str
    strict: bool
    draft: bool
    state: str  # queued | running | done | failed | cancelled
    total: int
    done: int
    report: list[dict[str, Any]] | None
    error: dict[str, Any] | None
    filename: str | None
    media_type: str | None
    created: float
    finished: float | None
    claimed_by: str | None
    lease_until: float | None
    owner: str | None
    expires_at: float | None
    callback_url: str | None
    callback_secret: str | None
    callback_state: str | None  # pending | delivered | failed, or None without a callback

    @property
    def finished_state(self) -> bool:
        return self.state in FINISHED

    def status(self) -> dict[str, Any]:
        """The job as the status API shows it: state and progress; the report and counts once
        done, the problem once failed."""
        out: dict[str, Any] = {
            "id": self.id, "kind": self.kind, "output": self.output,
            "state": self.state, "done": self.done, "total": self.total,
        }
        if self.state == "done" and self.report is not None:
            out.update(report=self.report, filename=self.filename,
                       counts={"total": len(self.report), "rendered": self.done, "invalid": len(self.report) - self.done})
        if self.error is not None:
            out["error"] = self.error
        return out

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Job:
        values = dict(row)
        values["strict"], values["draft"] = bool(values["strict"]), bool(values["draft"])
        for name in ("report", "error"):
            values[name] = json.loads(values[name]) if values[name] else None
        return cls(**values)


@dataclass(frozen=True)
class StoredDocument:
    index: int
    filename: str
    media_type: str
    content: bytes


class JobStore:
    """Jobs, their progress and their files under ``data_dir``; safe to share between threads
    and between processes of one machine."""

    def __init__(self, data_dir: Path | str):
        self.root = Path(data_dir)
        self.database = self.root / "jobs.sqlite3"
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with closing(sqlite3.connect(self.database, timeout=30)) as db:
                db.execute("PRAGMA busy_timeout=30000")
                db.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer; kept in the file
                db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise ConfigError(
                f"设置“批量任务数据目录”（data_dir，环境变量 DOCGEN_DATA_DIR）的目录 {self.root} 无法使用：{exc}"
            ) from exc

    # --- plumbing -----------------------------------------------------------------------------

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """One connection per use, in one transaction (``BEGIN IMMEDIATE``: writers queue up)."""
        with closing(sqlite3.connect(self.database, timeout=30, isolation_level=None)) as db:
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("PRAGMA busy_timeout=30000")
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def folder(self, job_id: str) -> Path:
        return self.root / "jobs" / job_id

    @staticmethod
    def _write(path: Path, content: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
        temporary.write_bytes(content)
        os.replace(temporary, path)

    # --- the interface ------------------------------------------------------------------------

    def create(self, spec: JobSpec, request: dict[str, Any]) -> Job:
        """A queued job with its input (``request``: JSON, the cases and their origins)."""
        job_id = uuid.uuid4().hex
        self._write(self.folder(job_id) / "request.json", json.dumps(request, ensure_ascii=False).encode("utf-8"))
        with self._connect() as db:
            db.execute(
                "INSERT INTO jobs (id, kind, output, document_format, strict, draft, state, total, created,"
                " owner, expires_at, callback_url, callback_secret, callback_state)"
                " VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?)",
                (job_id, spec.kind, spec.output, spec.document_format, int(spec.strict), int(spec.draft), spec.total,
                 time.time(), spec.owner, spec.expires_at, spec.callback_url, spec.callback_secret,
                 "pending" if spec.callback_url else None),
            )
        job = self.get(job_id)
        assert job is not None
        return job

    def request(self, job_id: str) -> dict[str, Any]:
        return json.loads((self.folder(job_id) / "request.json").read_bytes())

    def get(self, job_id: str) -> Job | None:
        with self._connect() as db:
            row = db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return Job.from_row(row) if row is not None else None

    def count_unfinished(self) -> int:
        with self._connect() as db:
            return db.execute("SELECT count(*) FROM jobs WHERE state IN ('queued', 'running')").fetchone()[0]

    def unfinished(self) -> list[Job]:
        """Jobs with work left (queued or running, or a completion callback not yet delivered),
        oldest first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT * FROM jobs WHERE state IN ('queued', 'running') OR callback_state = 'pending' ORDER BY created"
            ).fetchall()
        return [Job.from_row(row) for row in rows]

    def claim(self, job_id: str, claimer: str, lease: float) -> bool:
        """Take the job for ``claimer`` for ``lease`` seconds, if it has work left and no other live
        process holds it."""
        now = time.time()
        with self._connect() as db:
            row = db.execute(
                "SELECT claimed_by, lease_until FROM jobs WHERE id = ?"
                " AND (state IN ('queued', 'running') OR callback_state = 'pending')", (job_id,)
            ).fetchone()
            if row is None:
                return False
            holder, until = row["claimed_by"], row["lease_until"]
            if holder not in (None, claimer) and until is not None and until > now and not _dead(holder):
                return False
            db.execute("UPDATE jobs SET claimed_by = ?, lease_until = ? WHERE id = ?", (claimer, now + lease, job_id))
        return True

    def renew(self, job_id: str, claimer: str, lease: float) -> bool:
        """Extend the claim; False when it was lost (taken over, cancelled or removed)."""
        with self._connect() as db:
            changed = db.execute(
                "UPDATE jobs SET lease_until = ? WHERE id = ? AND claimed_by = ? AND state NOT IN ('cancelled')",
                (time.time() + lease, job_id, claimer),
            ).rowcount
        return changed == 1

    def release(self, job_id: str, claimer: str) -> None:
        with self._connect() as db:
            db.execute("UPDATE jobs SET claimed_by = NULL, lease_until = NULL WHERE id = ? AND claimed_by = ?",
                       (job_id, claimer))

    def release_all(self, claimer: str) -> None:
        """Give up every claim of ``claimer`` (a process stopping), so others resume at once."""
        with self._connect() as db:
            db.execute("UPDATE jobs SET claimed_by = NULL, lease_until = NULL WHERE claimed_by = ?", (claimer,))

    def start(self, job_id: str, total: int, report: list[dict[str, Any]]) -> None:
        """The checks are done: ``total`` documents to render; the report so far."""
        with self._connect() as db:
            db.execute(
                "UPDATE jobs SET state = 'running', total = ?, report = ? WHERE id = ? AND state IN ('queued', 'running')",
                (total, json.dumps(report, ensure_ascii=False), job_id),
            )

    def stored_indices(self, job_id: str) -> set[int]:
        with self._connect() as db:
            return {row[0] for row in db.execute("SELECT idx FROM documents WHERE job_id = ?", (job_id,))}

    def put_document(self, job_id: str, index: int, filename: str, media_type: str, content: bytes) -> None:
        """Store one rendered document (progress). Storing the same index again keeps one; a
        document of a job no longer unfinished (cancelled meanwhile) is not kept."""
        self._write(self.folder(job_id) / "documents" / str(index), content)
        with self._connect() as db:
            row = db.execute("SELECT state FROM jobs WHERE id = ?", (job_id,)).fetchone()
            wanted = row is not None and row["state"] in UNFINISHED
            if wanted:
                db.execute("INSERT OR IGNORE INTO documents (job_id, idx, filename, media_type) VALUES (?, ?, ?, ?)",
                           (job_id, index, filename, media_type))
                db.execute("UPDATE jobs SET done = (SELECT count(*) FROM documents WHERE job_id = ?) WHERE id = ?",
                           (job_id, job_id))
        if not wanted:
            shutil.rmtree(self.folder(job_id) / "documents", ignore_errors=True)

    def documents(self, job_id: str) -> list[StoredDocument]:
        with self._connect() as db:
            rows = db.execute("SELECT idx, filename, media_type FROM documents WHERE job_id = ? ORDER BY idx",
                              (job_id,)).fetchall()
        folder = self.folder(job_id) / "documents"
        return [StoredDocument(r["idx"], r["filename"], r["media_type"], (folder / str(r["idx"])).read_bytes())
                for r in rows]

    def finish(self, job_id: str, content: bytes, filename: str, media_type: str, report: list[dict[str, Any]]) -> bool:
        """The job is done with its one file; its per-document files go. False if it was cancelled."""
        self._write(self.folder(job_id) / "result", content)
        with self._connect() as db:
            changed = db.execute(
                "UPDATE jobs SET state = 'done', filename = ?, media_type = ?, report = ?, finished = ?,"
                " done = (SELECT count(*) FROM documents WHERE job_id = ?) WHERE id = ? AND state IN ('queued', 'running')",
                (filename, media_type, json.dumps(report, ensure_ascii=False), time.time(), job_id, job_id),
            ).rowcount
        shutil.rmtree(self.folder(job_id) / "documents", ignore_errors=True)
        if not changed:
            (self.folder(job_id) / "result").unlink(missing_ok=True)
        return changed == 1

    def fail(self, job_id: str, error: dict[str, Any]) -> None:
        """The job failed; ``error`` is its problem document."""
        with self._connect() as db:
            db.execute(
                "UPDATE jobs SET state = 'failed', error = ?, finished = ? WHERE id = ? AND state IN ('queued', 'running')",
                (json.dumps(error, ensure_ascii=False), time.time(), job_id),
            )
        shutil.rmtree(self.folder(job_id) / "documents", ignore_errors=True)

    def result(self, job_id: str) -> bytes:
        return (self.folder(job_id) / "result").read_bytes()

    def cancel(self, job_id: str) -> bool:
        """Stop an unfinished job (its claimer stops at the next document) and drop its documents.
        False when the job had already finished."""
        with self._connect() as db:
            changed = db.execute(
                "UPDATE jobs SET state = 'cancelled', finished = ? WHERE id = ? AND state IN ('queued', 'running')",
                (time.time(), job_id),
            ).rowcount
        if changed:
            shutil.rmtree(self.folder(job_id) / "documents", ignore_errors=True)
        return changed == 1

    def remove(self, job_id: str) -> None:
        """Forget a job: its record and its files."""
        with self._connect() as db:
            db.execute("DELETE FROM jobs WHERE id = ?", (job_id,))
        shutil.rmtree(self.folder(job_id), ignore_errors=True)

    def callback_done(self, job_id: str, state: str) -> None:
        """The completion callback was ``delivered``, or ``failed`` after every attempt."""
        with self._connect() as db:
            db.execute("UPDATE jobs SET callback_state = ? WHERE id = ?", (state, job_id))

    def prune(self, keep: int) -> None:
        """Forget the oldest finished jobs beyond the newest ``keep``."""
        with self._connect() as db:
            old = [row[0] for row in db.execute(
                "SELECT id FROM jobs WHERE state IN ('done', 'failed', 'cancelled') AND coalesce(callback_state, '') != 'pending'"
                " ORDER BY finished DESC LIMIT -1 OFFSET ?", (keep,))]
        for job_id in old:
            self.remove(job_id)
