"""The ways a batch is refused; each carries its code, HTTP status and title (see docgen.errors)."""

from __future__ import annotations

import signal
from typing import Any

from ..errors import DocgenError, InputRejected
from ..findings import Finding
from .report import flat_findings

MAX_CASES = 500  # cases in one batch; more are refused (HTTP 413) — split the batch


class BatchInvalid(DocgenError):
    """Nothing was rendered: ``strict`` and some case has errors, or no case at all is valid.

    ``report`` has one entry per case (see :func:`run_batch`)."""

    code = "batch_invalid"
    status, title = 422, "批量案件未通过检查"

    def __init__(self, kind: str, report: list[dict[str, Any]], *, strict: bool):
        invalid = sum(1 for entry in report if not entry["ok"])
        if invalid == len(report):
            message = f"全部 {len(report)} 件均未通过检查，未生成任何文书"
        else:
            message = f"{len(report)} 件中有 {invalid} 件未通过检查；严格模式下整批不生成"
        super().__init__(message)
        self.kind = kind
        self.report = report
        self.strict = strict

    @property  # type: ignore[override]
    def findings(self) -> list[Finding]:
        """Every invalid case's findings in one list; paths and messages name the case."""
        return flat_findings(self.report)


class BatchTooLarge(DocgenError):
    code = "batch_too_large"
    status, title = 413, "批量件数过多"

    def __init__(self, count: int):
        super().__init__(f"一次最多批量生成 {MAX_CASES} 件，收到 {count} 件，请分批提交")
        self.count = count


class BatchEmpty(DocgenError):
    code = "batch_empty"
    status, title = 422, "没有案件"

    def __init__(self) -> None:
        super().__init__("案件列表是空的，没有可生成的文书")


class BatchInputError(InputRejected):
    """The cases file cannot be used; ``findings`` name the sheet, row, column, value and reason."""

    code = "batch_input"
    title = "批量案件文件无法读取"


class BatchUnreadable(BatchInputError):
    """The file as a whole: not a spreadsheet, wrong encoding, a required column missing, …"""

    code = "batch_unreadable"


class BatchBadValues(BatchInputError):
    """The file was read, but some cells are not valid (a bad date, an empty required cell, …)."""

    code = "batch_bad_values"
    title = "批量案件表格有误"


class WorkerLost(DocgenError):
    """A process rendering the batch's documents (see :mod:`.parallel`) died before it finished."""

    code = "batch_worker_lost"
    status, title = 500, "批量生成中断"

    def __init__(self, pid: int, exitcode: int | None):
        if exitcode is not None and exitcode < 0:
            try:
                how = f"被信号 {signal.Signals(-exitcode).name} 终止"
            except ValueError:
                how = f"被信号 {-exitcode} 终止"
        elif exitcode is not None:
            how = f"退出码 {exitcode}"
        else:
            how = "原因不明"
        super().__init__(f"生成文书的子进程（{pid}）意外退出（{how}），整批未生成，请重试")
        self.pid = pid
        self.exitcode = exitcode
