"""承诺事项台账 — the ledger of the commitments made in the year's reply letters.

The review opinion asks the government to keep a ledger of what the replies promised deputies
(对今年以来答复中向代表做出的承诺建立台帐管理). From reply-letter cases (the batch's inputs) this
package makes one row per commitment (:mod:`.ledger`), writes the workbook staff keep (:mod:`.workbook`:
all commitments, a summary, a sheet per unit, a status column with a drop-down, frozen headers;
imported from there when a workbook is written, as openpyxl costs a web worker tens of MB), and
reads the workbook back to flag what is overdue and not closed (:mod:`.readback`).

It is a ledger, not a document: no template, so it defines no ``KIND``.
"""

from .ledger import STATUSES, Commitment, LettersInvalid, commitments_of, status_as_of
from .readback import CommitmentsReview, CommitmentsUnreadable, review_workbook

__all__ = [
    "STATUSES", "Commitment", "CommitmentsReview", "CommitmentsUnreadable", "LettersInvalid",
    "commitments_of", "review_workbook", "status_as_of",
]
