"""Build the assignment-speech samples reproducibly from the other samples.

    .venv/bin/python samples/assignment-speech/make_samples.py

jiangzhou-2025.json: this year's items from samples/assignment-list/jiangzhou-2025.json and last
year's ledger from samples/annual-summary/台账-2024.xlsx (as JSON rows), with the office's review
of last year. qingshan-2025.json: a district's 建议 only, last year's ledger from the minzheng
sample, the requirements rewritten. invalid/: the cases that break the rules, with their codes.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from openpyxl import load_workbook

HERE = Path(__file__).resolve().parent
SAMPLES = HERE.parent


def load(path: str) -> dict:
    return json.loads((SAMPLES / path).read_text("utf-8"))


def ledger_rows() -> list[dict]:
    sheet = load_workbook(SAMPLES / "annual-summary" / "台账-2024.xlsx", read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    out = []
    for row in rows[1:]:
        record = {}
        for header, value in zip(rows[0], row):
            if value in (None, ""):
                continue
            record[header] = value.date().isoformat() if isinstance(value, dt.datetime) else value
        out.append(record)
    return out


REVIEW = (
    "（一）领导重视，责任落实。市政府将办理工作纳入年度绩效考核，各位副市长对分管部门承办的建议提案逐件签批意见，"
    "各承办单位落实主要领导负总责、分管领导具体抓的责任制。\n"
    "（二）沟通充分，办理扎实。各承办单位在答复前主动上门走访、邀请代表委员座谈，一批群众关心的加装电梯、"
    "老旧小区改造、物业管理等问题得到解决或列入计划逐步解决。"
)


def city() -> dict:
    items = load("assignment-list/jiangzhou-2025.json")["items"]
    return {"level": "市", "year": 2025, "speaker": "副市长 李明", "delivered_on": "2025-02-20",
            "items": items, "ledger": ledger_rows(), "review": REVIEW}


def district() -> dict:
    items = load("assignment-list/qingshan-2025-suggestions.json")["items"]
    ledger = load("annual-summary/minzheng-2024.json")["ledger"]
    return {
        "level": "区", "year": 2025, "speaker": "区人大常委会副主任 王强", "delivered_on": "2025-03-06",
        "title": "在区十一届人大三次会议代表建议交办会上的讲话", "items": items, "ledger": ledger,
        "opening": "经研究决定，今天区人大常委会和区政府联合召开会议，集中交办区十一届人大三次会议期间代表提出的建议。下面，我讲几点意见。",
        "requirements": [
            {"title": "提高思想认识，增强办理工作的责任感",
             "text": "代表建议反映的是群众的期盼，各承办单位要把办理工作作为改进工作、服务群众的重要抓手。"},
            {"title": "突出办理重点，注重办理实效",
             "text": "（一）坚持先沟通后答复。\n答复前要与代表当面沟通，听取意见。\n（二）严格答复内容。\n列入计划的要写明时限，不能解决的要说明原因。"},
        ],
        "closing": "同志们，让我们共同努力，把代表建议办好办实。",
    }


def write(path: Path, data) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", "utf-8")


def main() -> None:
    write(HERE / "jiangzhou-2025.json", city())
    write(HERE / "qingshan-2025.json", district())
    base = district()
    invalid = {
        "review-contradicts-ledger.json": ({**base, "review": "去年共办理8件，办复率达到90%，面商率100%。"},
                                           ["speech.figure_mismatch", "speech.figure_mismatch"]),
        "key-item-without-leader.json": ({**base, "items": [{**base["items"][0], "key_item": True}, *base["items"][1:]]},
                                         ["item.key_without_leader"]),
        "ledger-of-this-year.json": ({**base, "year": 2024}, ["ledger.other_year"]),
        "missing-parts.json": ({"level": "区", "year": 2025, "items": [], "ledger": []},
                               ["schema.missing", "schema.missing", "schema.too_few", "schema.too_few"]),
    }
    write(HERE / "invalid" / "expected.json", {name: sorted(codes) for name, (_, codes) in invalid.items()})
    for name, (data, _) in invalid.items():
        write(HERE / "invalid" / name, data)


if __name__ == "__main__":
    main()
