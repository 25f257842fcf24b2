"""Build the commitments-ledger samples reproducibly (fictional city 江州市, 2025).

    .venv/bin/python samples/commitments/make_samples.py

Writes 答复函-2025.json (six B-class reply letters of four units, ten dated commitments, as the
batch takes them) and 承诺事项台账-2025.xlsx (the ledger made from them as of 2025-09-01 by
``docgen commitments``).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
SESSION = {"level": "市", "term": 15, "session": 4}

# (number, title, author, unit, self reference, phone, replied on, [(topic, answer, [(measure, deadline)])])
LETTERS = [
    (12, "关于加快推进既有住宅加装电梯工作的建议", "张海燕", "江州市住房和城乡建设局", "我局", "0571-87001234", "2025-05-16", [
        ("关于简化加装电梯审批程序", "我局已会同市规划和自然资源局出台联合审查办法，审批时限压缩至20个工作日。", [
            ("在全市推行加装电梯“一窗受理、并联审查”", "2025-07-31"),
            ("编制加装电梯办事指南和标准图集并公开发布", "2025-10-31")]),
        ("关于加大财政补助力度", "市级财政补助标准已提高至每台15万元。", [
            ("会同市财政局修订加装电梯补助办法", "2025-12-31")]),
    ]),
    (27, "关于完善老旧小区改造后长效管理的建议", "李建国", "江州市住房和城乡建设局", "我局", "0571-87001234", "2025-05-20", [
        ("关于建立改造后物业管理机制", "已在12个改造小区引入专业物业或社区托管。", [
            ("出台老旧小区改造后长效管理指导意见", "2025-08-31")]),
    ]),
    (35, "关于优化城区公交线网的建议", "陈晓明", "江州市交通运输局", "我局", "0571-87002345", "2025-05-12", [
        ("关于调整重复线路", "已完成城区公交线网评估。", [
            ("优化调整城东片区5条重复线路", "2025-06-30"),
            ("新开2条社区微循环线路", "2025-11-30")]),
    ]),
    (8, "关于推进城市口袋公园建设的提案", "吴丽华", "江州市城市管理局", "我局", "0571-87003456", "2025-05-08", [
        ("关于口袋公园选址", "已梳理可利用边角地42处。", [
            ("建成口袋公园15个", "2025-12-31")]),
    ]),
    (51, "关于推进生活垃圾分类提质的提案", "冯晓东", "江州市城市管理局", "我局", "0571-87003456", "2025-05-19", [
        ("关于完善分类收运体系", "已实现城区分类收运全覆盖。", [
            ("在老城区增设定时定点投放点200个", "2025-08-15"),
            ("建成2座大件垃圾拆解中心", "2026-06-30")]),
    ]),
    (63, "关于发展社区嵌入式养老服务的建议", "周文静", "江州市民政局", "我局", "0571-87004567", "2025-05-21", [
        ("关于增加社区养老服务设施", "今年已新建社区嵌入式养老服务中心8家。", [
            ("再建成社区嵌入式养老服务中心6家", "2025-10-31")]),
    ]),
]


def letter(number, title, author, unit, we, phone, replied, points) -> dict:
    source = "提案" if title.endswith("提案") else "建议"
    return {
        "source": source, "session": SESSION, "item_number": number, "item_title": title, "lead_author": author,
        "handling_unit": unit, "self_reference": we, "result_class": "B",
        "points": [{"topic": topic, "answer": answer,
                    "measures": [{"content": content, "deadline": deadline} for content, deadline in measures]}
                   for topic, answer, measures in points],
        "contact": {"name": "王敏", "phone": phone}, "assigned_on": "2025-02-20", "replied_on": replied,
    }


def main() -> None:
    cases = [letter(*row) for row in LETTERS]
    path = HERE / "答复函-2025.json"
    path.write_text(json.dumps(cases, ensure_ascii=False, indent=2) + "\n", "utf-8")

    from docgen import service

    ledger = service.commitments_ledger([(path.name, path.read_bytes())], dt.date(2025, 9, 1))
    (HERE / "承诺事项台账-2025.xlsx").write_bytes(ledger.content)


if __name__ == "__main__":
    main()
