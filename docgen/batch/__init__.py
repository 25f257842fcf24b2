"""Batches: many cases of one kind rendered into one .zip (a document per case) or one merged PDF.

Cases come as a JSON list, or, for a kind that declares a table (the reply letter), as a
spreadsheet with one case per row (:mod:`.cases`). Every case is checked once (:mod:`.run`).
Invalid cases are never skipped silently: every case gets an entry in the report
(:mod:`.report`), the report travels inside the zip as ``报告.json`` (:mod:`.output`); a merged PDF converts its
documents a few at a time, joined (:mod:`.joined`); and
``strict`` turns any error into a refusal of the whole batch (:mod:`.errors`). Everything is
built in memory, so a failed batch leaves no half-written output.
"""

from .cases import LoadedCases, TableRow, cases_from_json, load_cases, read_table
from .errors import MAX_CASES, BatchBadValues, BatchEmpty, BatchInputError, BatchInvalid, BatchTooLarge, BatchUnreadable, WorkerLost
from .output import REPORT_NAME, ZIP_MEDIA_TYPE
from .parallel import usable_cores
from .report import case_name, flat_findings, report_header
from .run import BatchPlan, BatchResult, Output, Progress, assemble, check_cases, render_documents, run_batch

__all__ = [
    "MAX_CASES", "REPORT_NAME", "ZIP_MEDIA_TYPE",
    "BatchBadValues", "BatchEmpty", "BatchInputError", "BatchInvalid", "BatchResult", "BatchTooLarge",
    "BatchPlan", "BatchUnreadable", "LoadedCases", "Output", "Progress", "TableRow", "WorkerLost",
    "assemble", "case_name", "cases_from_json", "check_cases", "flat_findings", "load_cases", "read_table", "render_documents", "report_header", "run_batch",
    "usable_cores",
]
