"""Doing one job's work against the store: check its cases, render the documents not stored yet
(each stored as soon as it is ready), and assemble the one file once all are there (for a merged
PDF the stored documents are .docx, converted when assembled)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from .. import batch, service
from ..batch.cases import RowsOrigin
from ..errors import DocgenError
from ..profile import Profile
from .store import JobStore

log = logging.getLogger(__name__)
Describe = Callable[[BaseException], dict[str, Any]]


class JobStopped(Exception):
    """The job was cancelled, or another process took it over: stop working on it."""


def job_request(cases: list[Any], origins: list[str | None] | None) -> dict[str, Any]:
    """A job's input as the store keeps it (JSON): the cases, and where each came from, with the
    sheet cells of its paths when it was read from a table."""
    def origin(where: str | None) -> dict[str, Any] | None:
        if not where:
            return None
        return {"where": str(where), "places": dict(where.places) if isinstance(where, RowsOrigin) else {}}

    return {"cases": cases, "origins": [origin(where) for where in origins] if origins else None}


def plan_of(store: JobStore, job_id: str, profile: Profile) -> batch.BatchPlan:
    """The job's cases checked again (the checks are quick and give the same answer)."""
    job = store.get(job_id)
    if job is None:
        raise JobStopped(job_id)
    request = store.request(job_id)
    origins = [RowsOrigin(o["where"], o["places"]) if o else None for o in request["origins"] or []] or None
    return batch.check_cases(job.kind, request["cases"], strict=job.strict, profile=profile, origins=origins)


def store_document(store: JobStore, job_id: str, index: int, document: service.RenderedDocument) -> None:
    store.put_document(job_id, index, document.filename, document.media_type, document.content)


def assemble(store: JobStore, job_id: str, plan: batch.BatchPlan, converter: service.Converter | None) -> None:
    """Join the stored documents into the job's file and finish it; for a merged PDF the stored
    .docx documents are converted here."""
    job = store.get(job_id)
    if job is None or job.finished_state:
        return
    documents = {d.index: service.RenderedDocument(d.content, d.filename, d.media_type) for d in store.documents(job_id)}
    result = batch.assemble(plan, job.output, documents, converter=converter, draft=job.draft)  # type: ignore[arg-type]
    store.finish(job_id, result.content, result.filename, result.media_type, result.report)


def run_job(
    store: JobStore,
    job_id: str,
    *,
    profile: Profile,
    converter: service.Converter | None,
    describe: Describe,
    carry_on: Callable[[], bool],
) -> None:
    """Do the job's remaining work in this process. ``carry_on()`` is asked after each document;
    when it says no (cancelled, claim lost) the work stops and the documents stored so far stay.
    Any other failure (``batch_invalid``, a conversion that failed) fails the job, with
    ``describe(exc)`` as its problem document, unless ``carry_on()`` says no by then."""
    job = store.get(job_id)
    if job is None or job.finished_state:
        return
    try:
        plan = plan_of(store, job_id, profile)
        store.start(job_id, len(plan.valid), plan.report)
        stored = store.stored_indices(job_id)
        todo = [index for index in plan.valid if index not in stored]

        def keep(index: int, document: service.RenderedDocument) -> None:
            store_document(store, job_id, index, document)
            if not carry_on():
                raise JobStopped(job_id)

        fmt = plan.document_format(job.output, job.document_format)  # type: ignore[arg-type]
        batch.render_documents(plan, todo, fmt, converter=converter, draft=job.draft, on_document=keep)
        if carry_on():
            assemble(store, job_id, plan, converter)
    except JobStopped:
        return
    except Exception as exc:
        if not carry_on():  # e.g. the pool stopped under a stopping server: resume later, not fail
            return
        if not isinstance(exc, DocgenError):
            log.exception("batch job %s failed", job_id)
        store.fail(job_id, describe(exc))
