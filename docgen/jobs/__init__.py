"""Batch jobs that persist: records and result files in a store on disk (:mod:`.store`), run by
threads of any process sharing that store (:mod:`.runner`), each job's work done document by
document so that an interrupted job resumes where it stopped (:mod:`.execute`), and an optional
signed completion callback (:mod:`.callback`)."""

from .execute import JobStopped, job_request, run_job
from .runner import JobRunner, RunnerSettings
from .store import FINISHED, UNFINISHED, Job, JobSpec, JobStore, StoredDocument

__all__ = [
    "FINISHED", "UNFINISHED", "Job", "JobRunner", "JobSpec", "JobStopped", "JobStore", "RunnerSettings",
    "StoredDocument", "job_request", "run_job",
]
