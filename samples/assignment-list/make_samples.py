"""Build the assignment-list and assignment-notice samples reproducibly (fictional city 江州市, 2025).

    .venv/bin/python samples/assignment-list/make_samples.py

Writes jiangzhou-2025.json (the city's list: 建议 and 提案, key items, complex items, items with
and without co-handlers), qingshan-2025-suggestions.json (a district's 建议 only), the sheet
交办清单-2025.xlsx (the same items as kept by an office: a title row above the headers, a 序号
column, 第N号 numbers, typed dates), the empty template 交办清单模板.xlsx, the invalid cases
with their expected codes, and the assignment-notice samples (two units of the city's list).
"""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

HERE = Path(__file__).resolve().parent
NOTICES = HERE.parent / "assignment-notice"

JIANSHE, CAIZHENG, GUIHUA, JIAOTONG, JIAOYU, MINZHENG, WEIJIAN, CHENGGUAN = (
    "江州市住房和城乡建设局", "江州市财政局", "江州市规划和自然资源局", "江州市交通运输局",
    "江州市教育局", "江州市民政局", "江州市卫生健康委员会", "江州市城市管理局",
)

# (source, number, title, lead author, lead unit, co units, key leader or "", assigned on or "", complex)
ITEMS = [
    ("建议", 12, "关于加快推进既有住宅加装电梯工作的建议", "张海燕", JIANSHE, [CAIZHENG, GUIHUA], "李明副市长", "", False),
    ("建议", 27, "关于完善老旧小区改造后长效管理的建议", "李建国", JIANSHE, [], "", "", False),
    ("建议", 35, "关于优化城区公交线网的建议", "陈晓明", JIAOTONG, [GUIHUA], "", "", False),
    ("建议", 41, "关于增加中小学学位供给的建议", "王丽娟", JIAOYU, [GUIHUA, CAIZHENG], "赵红副市长", "", True),
    ("建议", 58, "关于规范住宅小区物业服务的建议", "刘志远", JIANSHE, [], "", "", False),
    ("建议", 63, "关于发展社区嵌入式养老服务的建议", "周文静", MINZHENG, [WEIJIAN], "", "", False),
    ("建议", 77, "关于治理背街小巷停车难的建议", "孙立群", CHENGGUAN, [JIAOTONG], "", "2025-02-24", False),
    ("提案", 8, "关于推进城市口袋公园建设的提案", "吴丽华", CHENGGUAN, [GUIHUA], "", "", False),
    ("提案", 15, "关于加强校园周边交通安全的提案", "郑玉梅", JIAOYU, [JIAOTONG], "", "", False),
    ("提案", 22, "关于扩大保障性租赁住房供给的提案", "黄志刚", JIANSHE, [CAIZHENG], "", "", True),
    ("提案", 36, "关于完善老年助餐服务体系的提案", "赵敏", MINZHENG, [CAIZHENG, WEIJIAN], "李明副市长", "", False),
    ("提案", 44, "关于提升基层医疗服务能力的提案", "钱卫东", WEIJIAN, [], "", "", False),
    ("提案", 51, "关于推进生活垃圾分类提质的提案", "冯晓东", CHENGGUAN, [], "", "", False),
    ("提案", 60, "关于加快城市更新片区规划的提案", "朱红", GUIHUA, [JIANSHE], "", "", True),
]


def item(source, number, title, author, lead, co, leader, assigned, complex_) -> dict:
    out = {"source": source, "item_number": number, "title": title, "lead_author": author, "lead_unit": lead}
    if co:
        out["co_units"] = co
    if leader:
        out.update(key_item=True, leader=leader)
    if assigned:
        out["assigned_on"] = assigned
    if complex_:
        out["complex"] = True
    return out


def city_case() -> dict:
    return {"office": "江州市人民政府办公室", "level": "市", "year": 2025, "meeting_on": "2025-02-20",
            "items": [item(*row) for row in ITEMS]}


def district_case() -> dict:
    units = ("青山区住房和城乡建设局", "青山区教育局", "青山区民政局")
    rows = [
        ("建议", 3, "关于改造青山路积水点的建议", "何晓丽", units[0], [], "", "", False),
        ("建议", 9, "关于增设社区托育点的建议", "马超", units[2], [units[1]], "王强副区长", "", False),
        ("建议", 14, "关于加强学校食堂管理的建议", "胡玉兰", units[1], [], "", "", False),
        ("建议", 20, "关于加快安置房交付的建议", "林峰", units[0], [units[2]], "", "", True),
    ]
    return {"office": "江州市青山区人民政府办公室", "level": "区", "year": 2025, "meeting_on": "2025年3月6日",
            "items": [item(*row) for row in rows]}


def write(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", "utf-8")


def invalid_cases() -> dict[str, tuple[dict, list[str]]]:
    def variant(change) -> dict:
        data = city_case()
        change(data["items"])
        return data

    def no_lead(items):
        del items[1]["lead_unit"]

    def lead_is_co(items):
        items[2]["co_units"] = [JIAOTONG, GUIHUA]

    def duplicate(items):
        items[4]["item_number"] = 12

    def key_without_leader(items):
        items[1]["key_item"] = True

    return {
        "item-without-lead-unit.json": (variant(no_lead), ["item.lead_unit_missing"]),
        "lead-unit-also-co-handler.json": (variant(lead_is_co), ["co_handler.is_lead"]),
        "duplicate-number.json": (variant(duplicate), ["item.duplicate_number"]),
        "key-item-without-leader.json": (variant(key_without_leader), ["item.key_without_leader"]),
        "missing-parts.json": ({"office": "江州市人民政府办公室", "level": "市", "year": 2025, "items": []},
                               ["schema.missing", "schema.too_few"]),
    }


HEADERS = ["序号", "来源", "编号", "标题", "领衔人", "主办单位", "会办单位", "重点件", "督办领导", "交办日期", "情况复杂"]


def sheet(path: Path, rows: list[list], *, title: str | None) -> None:
    book = Workbook()
    ws = book.active
    ws.title = "交办清单"
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
        ws["A1"].font = Font(bold=True, size=16)
        ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(HEADERS)
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    for letter, width in zip("ABCDEFGHIJK", (6, 8, 8, 44, 10, 26, 40, 8, 14, 14, 10)):
        ws.column_dimensions[letter].width = width
    for column, choices in (("B", "建议,提案"), ("H", "是,否"), ("K", "是,否")):
        rule = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
        rule.add(f"{column}{header_row + 1}:{column}1000")
        ws.add_data_validation(rule)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    book.save(path)


def sheet_rows(case: dict) -> list[list]:
    rows = []
    for n, it in enumerate(case["items"], start=1):
        rows.append([n, it["source"], f"第{it['item_number']}号", it["title"], it["lead_author"], it.get("lead_unit", ""),
                     "、".join(it.get("co_units", [])), "是" if it.get("key_item") else "", it.get("leader", ""),
                     it.get("assigned_on", case["meeting_on"]).replace("-", "/"), "是" if it.get("complex") else ""])
    return rows


def main() -> None:
    city = city_case()
    write(HERE / "jiangzhou-2025.json", city)
    write(HERE / "qingshan-2025-suggestions.json", district_case())
    expected = {}
    for name, (data, codes) in invalid_cases().items():
        write(HERE / "invalid" / name, data)
        expected[name] = sorted(codes)
    write(HERE / "invalid" / "expected.json", expected)
    sheet(HERE / "交办清单-2025.xlsx", sheet_rows(city), title="江州市2025年人大代表建议和政协委员提案交办清单")
    sheet(HERE / "交办清单模板.xlsx", [[1, "建议", 12, "关于……的建议", "张三", "江州市××局", "江州市××局、江州市××局", "是",
                                     "××副市长", "2025-02-20", "否"]], title=None)

    from docgen.kinds.assignment import KIND, notice_cases

    notices = {n["unit"]: n for n in notice_cases(KIND.parse(city))}
    jianshe = {**notices[JIANSHE], "document_number": "江政办交〔2025〕3号",
               "contact": {"name": "陈静", "phone": "0571-87001234"}}
    write(NOTICES / "jianshe-2025.json", jianshe)
    write(NOTICES / "caizheng-2025-co-handling-only.json", notices[CAIZHENG])
    bad_unit = {**notices[JIAOYU], "items": notices[JIAOYU]["items"] + [item(*ITEMS[5])]}
    bad_number = {**notices[JIANSHE], "document_number": "江政办交[2025]03号"}
    write(NOTICES / "invalid" / "item-of-another-unit.json", bad_unit)
    write(NOTICES / "invalid" / "document-number-malformed.json", bad_number)
    write(NOTICES / "invalid" / "expected.json", {
        "document-number-malformed.json": ["document_number.format"],
        "item-of-another-unit.json": ["notice.unit_not_involved"],
    })


if __name__ == "__main__":
    main()
