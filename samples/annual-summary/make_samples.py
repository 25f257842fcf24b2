"""Build the annual-summary samples reproducibly (fictional city 江州市, year 2024).

    .venv/bin/python samples/annual-summary/make_samples.py

Writes 台账-2024.xlsx (68 items: 建议 and 提案, 主办 and 会办, all classes, some late, some
not yet replied, some forms not returned), 台账模板.xlsx (the empty template with drop-down
lists and three example rows), sections/2024.json, the cases jianshe-2024.json,
minzheng-2024.json (a small ledger with English keys, as an OA system sends it) and
minzheng-2024-own-outline.json (its parts renamed, none keyed), and the invalid cases under
invalid/ with their expected codes.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

HERE = Path(__file__).resolve().parent
UNIT = "江州市住房和城乡建设局"
HEADERS = ["来源", "会议", "编号", "标题", "领衔人", "办理方式", "主办单位", "会办单位", "重点件", "类别",
           "交办日期", "答复日期", "办理结果", "情况复杂", "沟通方式", "答复公开", "办理态度评价", "办理结果评价", "是否办结"]
TOPICS = {
    "老旧小区改造": ["加快{place}老旧小区改造", "完善老旧小区改造后长效管理", "统筹推进{place}老旧小区雨污分流"],
    "加装电梯": ["加快推进既有住宅加装电梯", "简化加装电梯审批程序", "加大加装电梯财政补助力度"],
    "物业管理": ["规范{place}住宅小区物业服务", "推进业主委员会规范化建设", "加强物业专项维修资金管理"],
    "保障性住房": ["扩大保障性租赁住房供给", "优化公租房配租流程", "解决新市民青年人住房困难"],
    "城市更新": ["推进{place}城中村有机更新", "加强历史街区保护利用", "建设完整居住社区"],
    "燃气安全": ["加强城镇燃气安全管理", "推进燃气老旧管网更新改造"],
    "建筑质量": ["加强住宅工程质量投诉处理", "推广装配式建筑", "治理建筑工地扬尘"],
}
PLACES = ["青山区", "临湖新城", "城东片区", "老城区", "江北街道"]
PEOPLE = ["张海燕", "李建国", "陈晓明", "王丽娟", "刘志远", "周文静", "孙立群", "吴丽华", "郑玉梅", "黄志刚",
          "赵敏", "钱卫东", "冯晓东", "朱红", "许建平", "何晓丽", "马超", "胡玉兰", "林峰", "高静"]
CO_UNITS = ["江州市财政局", "江州市规划和自然资源局", "江州市发展和改革委员会", "江州市市场监督管理局", "江州市城市管理局"]
LEAD_UNITS_WHEN_CO = ["江州市城市管理局", "江州市发展和改革委员会", "江州市民政局", "江州市自然资源局"]


def build_rows() -> list[dict[str, object]]:
    rng = random.Random(20241231)
    rows = []
    numbers = {"建议": iter(rng.sample(range(1, 420), 40)), "提案": iter(rng.sample(range(1, 560), 40))}
    plan = ["建议"] * 30 + ["提案"] * 38
    rng.shuffle(plan)
    roles = ["主办"] * 52 + ["会办"] * 16
    rng.shuffle(roles)
    classes = ["A"] * 28 + ["B"] * 16 + ["C"] * 6
    rng.shuffle(classes)
    key_positions = set(rng.sample([i for i, r in enumerate(roles) if r == "主办"], 5))
    unreplied = set(rng.sample([i for i, r in enumerate(roles) if r == "主办"], 2))
    class_iter = iter(classes)
    for i, (source, role) in enumerate(zip(plan, roles)):
        topic = rng.choice(list(TOPICS))
        title = rng.choice(TOPICS[topic]).format(place=rng.choice(PLACES))
        assigned = dt.date(2024, 3, 15) if source == "建议" else dt.date(2024, 3, 22)
        complex_item = rng.random() < 0.08
        row: dict[str, object] = {
            "来源": source,
            "会议": "市十五届人大三次会议" if source == "建议" else "市政协十二届三次会议",
            "编号": next(numbers[source]),
            "标题": f"关于{title}的{source}",
            "领衔人": rng.choice(PEOPLE),
            "办理方式": role,
            "重点件": "是" if i in key_positions else "否",
            "类别": topic,
            "交办日期": assigned,
            "情况复杂": "是" if complex_item else "否",
        }
        if role == "主办":
            row["主办单位"] = UNIT
            row["会办单位"] = "、".join(rng.sample(CO_UNITS, rng.choice([0, 0, 1, 1, 2])))
            if i in unreplied:
                row.update({"是否办结": "否", "沟通方式": "电话"})
            else:
                late = rng.random() < 0.07
                days = rng.randint(95, 120) if late else rng.randint(40, 85)
                row["答复日期"] = assigned + dt.timedelta(days=days)
                row["办理结果"] = next(class_iter)
                row["沟通方式"] = rng.choices(["面商", "座谈", "走访", "电话", "信函"], [70, 8, 8, 10, 4])[0]
                row["答复公开"] = rng.choices(["是", "否", "不予公开"], [88, 8, 4])[0]
                row["是否办结"] = "是"
                if rng.random() < 0.9:  # form returned
                    row["办理态度评价"] = rng.choices(["满意", "基本满意", "不满意"], [90, 9, 1])[0]
                    row["办理结果评价"] = rng.choices(["满意", "基本满意", "不满意"], [78, 18, 4])[0]
        else:
            row["主办单位"] = rng.choice(LEAD_UNITS_WHEN_CO)
            row["会办单位"] = UNIT
            row["答复日期"] = assigned + dt.timedelta(days=rng.randint(20, 40))
            row["是否办结"] = "是"
        rows.append(row)
    return rows


def write_workbook(path: Path, rows: list[dict[str, object]], *, template: bool) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "台账"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        sheet.append([row.get(h) for h in HEADERS])
    for column, width in zip("ABCDEFGHIJKLMNOPQRS", (6, 22, 6, 40, 8, 8, 24, 30, 6, 12, 12, 12, 8, 8, 8, 8, 12, 12, 8)):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2, min_col=11, max_col=12):
        for cell in row:
            cell.number_format = "yyyy-mm-dd"
    lists = {
        "A": "建议,提案", "F": "主办,会办", "I": "是,否", "M": "A,B,C,D", "N": "是,否",
        "O": "面商,座谈,走访,电话,信函,其他,未联系", "P": "是,否,不予公开",
        "Q": "满意,基本满意,不满意", "R": "满意,基本满意,不满意", "S": "是,否",
    }
    for column, options in lists.items():
        validation = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True)
        validation.error = f"请从下拉列表中选择：{options.replace(',', '、')}"
        validation.errorTitle = "取值不正确"
        validation.prompt = f"可选：{options.replace(',', '、')}"
        sheet.add_data_validation(validation)
        validation.add(f"{column}2:{column}2000")
    dates = DataValidation(type="date", operator="greaterThan", formula1="DATE(2000,1,1)", allow_blank=True)
    dates.error = "请填写日期，如 2024-03-20"
    sheet.add_data_validation(dates)
    dates.add("K2:L2000")
    if template:
        notes = book.create_sheet("填写说明")
        for line in (
            ["每行一件建议或提案；表头请勿修改（也可使用英文列名，见 README）。"],
            ["必填：来源、编号、标题、办理方式、交办日期。"],
            ["未答复的件，答复日期、办理结果留空；征询意见表未收回的，评价两列留空。"],
            ["会办单位多个时用顿号分隔，如：江州市财政局、江州市规划和自然资源局。"],
        ):
            notes.append(line)
    book.properties.creator = "docgen"
    book.properties.created = book.properties.modified = dt.datetime(2024, 12, 31)
    book.save(path)


SECTIONS = [
    {"key": "practices", "title": "主要做法", "text": (
        "（一）压实办理责任\n局党委把建议提案办理列入年度重点工作，主要负责同志亲自部署，分管领导牵头督办重点件，"
        "各业务处室明确专人承办，形成“主要领导负总责、分管领导具体抓、承办处室抓落实”的工作格局。\n"
        "（二）坚持面商沟通\n承办处室在答复前主动联系代表委员，通过上门走访、座谈会、现场踏勘等方式听取意见，"
        "把面商贯穿办理全过程，做到先沟通后答复。\n"
        "（三）加强协同办理\n对涉及多个部门的件，我局主动牵头召开协调会，及时汇总会办单位意见，避免文来文往。")},
    {"key": "results", "title": "办理成效", "text": (
        "通过办理代表建议和委员提案，一批群众关心的住房民生问题得到解决。全年新开工改造老旧小区86个，"
        "既有住宅加装电梯竣工312台，筹集保障性租赁住房1.2万套，燃气老旧管网更新改造186公里。")},
    {"key": "problems", "title": "存在的问题", "text": (
        "一是部分答复对承诺事项的完成时限表述不够具体；二是少数件的面商还停留在电话沟通，面对面交流不够深入；"
        "三是对已答复件的跟踪落实还不够及时，“重答复、轻落实”的现象仍有发生。")},
    {"key": "plans", "title": "下一步打算", "text": (
        "一是健全承诺事项台账，逐项明确责任处室和完成时限，按季度跟踪督办；"
        "二是全面推行面对面沟通，提高面商质量；三是把建议提案办理与年度重点工作结合起来，推动办理成果转化为政策措施。")},
]


def main() -> None:
    rows = build_rows()
    write_workbook(HERE / "台账-2024.xlsx", rows, template=False)
    write_workbook(HERE / "台账模板.xlsx", rows[:3], template=True)
    (HERE / "sections").mkdir(exist_ok=True)
    (HERE / "sections" / "2024.json").write_text(json.dumps(SECTIONS, ensure_ascii=False, indent=2) + "\n", "utf-8")
    case = {
        "unit": UNIT,
        "year": 2024,
        "self_reference": "我局",
        "issued_on": "2025-01-10",
        "ledger": [{k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in row.items()} for row in rows],
        "sections": SECTIONS,
    }
    (HERE / "jianshe-2024.json").write_text(json.dumps(case, ensure_ascii=False, indent=1) + "\n", "utf-8")
    write_case(HERE / "minzheng-2024.json", small_case())
    write_case(HERE / "minzheng-2024-own-outline.json", own_outline_case())
    write_invalid(case)
    print(f"wrote {len(rows)} rows")


def write_case(path: Path, case: dict) -> None:
    path.write_text(json.dumps(case, ensure_ascii=False, indent=1) + "\n", "utf-8")


def small_case() -> dict:
    """A district civil-affairs bureau with eight items, its ledger keyed in English."""
    def row(n, source, role, topic, assigned, replied, cls, mode, published, attitude, result):
        return {"source": source, "session": "区十一届人大二次会议" if source == "建议" else "区政协十一届二次会议",
                "item_number": n, "title": f"关于{topic}的{source}", "role": role,
                "lead_unit": "青山区民政局" if role == "主办" else "青山区卫生健康局", "topic": topic,
                "assigned_on": assigned, "replied_on": replied, "result_class": cls, "contact_mode": mode,
                "published": published, "attitude": attitude, "result_rating": result}
    ledger = [
        row(12, "建议", "主办", "完善社区居家养老服务", "2024-03-10", "2024-05-20", "A", "面商", "是", "满意", "满意"),
        row(27, "建议", "主办", "推进农村老年食堂建设", "2024-03-10", "2024-06-05", "B", "面商", "是", "满意", "基本满意"),
        row(41, "建议", "主办", "加强困难残疾人帮扶", "2024-03-10", "2024-05-28", "A", "座谈", "是", "满意", "满意"),
        row(8, "提案", "主办", "规范殡葬服务收费", "2024-03-12", "2024-06-30", "C", "电话", "否", "基本满意", "不满意"),
        row(19, "提案", "主办", "发展社区嵌入式养老机构", "2024-03-12", "2024-06-10", "B", "面商", "是", None, None),
        row(33, "提案", "会办", "完善医养结合服务", "2024-03-12", "2024-04-08", None, None, None, None, None),
        row(52, "建议", "会办", "加强独居老人关爱", "2024-03-10", "2024-04-02", None, None, None, None, None),
        row(60, "提案", "主办", "推进婚姻登记便民服务", "2024-03-12", None, None, "电话", None, None, None),
    ]
    for item in ledger:
        for key in [k for k, v in item.items() if v is None]:
            del item[key]
    sections = [
        {"key": "practices", "title": "办理程序", "text": "收到交办件后，局办公室逐件登记，明确分管领导和承办科室，答复前由局长审签。"},
        {"title": "协商程序", "text": "承办科室在答复前与代表委员面对面沟通，听取意见后再形成答复。"},
        {"key": "results", "title": "办理成效", "text": "全年新增社区老年食堂14个，为1200余名困难残疾人发放补贴。"},
        {"key": "problems", "title": "存在的问题", "text": "个别提案涉及跨部门事项，协调周期较长，按时答复存在困难。"},
        {"key": "plans", "title": "下一步打算", "text": "建立跨部门会商机制，把承诺事项纳入年度目标考核。"},
    ]
    return {"unit": "江州市青山区民政局", "year": 2024, "self_reference": "我局", "issued_on": "2025-01-08",
            "ledger": ledger, "sections": sections}


def own_outline_case() -> dict:
    """The same bureau outlining its summary its own way: every part renamed, none keyed."""
    small = small_case()
    texts = [s["text"] for s in small["sections"]]
    sections = [
        {"title": "规范办理程序", "text": texts[0]},
        {"title": "加强协商沟通", "text": texts[1]},
        {"title": "取得的成效", "text": texts[2]},
        {"title": "创新举措", "text": "试行“代表委员联络员”制度，每件提案明确一名联络员全程跟进。"},
        {"title": "问题与不足", "text": texts[3]},
        {"title": "2025年工作打算", "text": texts[4]},
    ]
    return {**small, "sections": sections}


def write_invalid(base: dict) -> None:
    folder = HERE / "invalid"
    folder.mkdir(exist_ok=True)
    small = small_case()
    cases: dict[str, tuple[dict, list[str]]] = {}

    def add(name: str, codes: list[str], case: dict) -> None:
        cases[name] = (case, sorted(codes))

    without_results = [s for s in small["sections"] if s.get("key") != "results"]
    add("section-missing.json", ["section.missing"], {**small, "sections": without_results})
    # A seed-like outline: renamed parts without keys, no 存在的问题 or 下一步打算 (warnings only).
    outline = [
        {"title": "办理程序", "text": small["sections"][0]["text"]},
        {"title": "协商程序", "text": small["sections"][1]["text"]},
        {"title": "办理成效", "text": small["sections"][2]["text"]},
        {"title": "创新举措", "text": "试行“代表委员联络员”制度，每件提案明确一名联络员全程跟进。"},
    ]
    add("outline-without-problems-and-plans.json", ["section.recommended_missing"] * 2, {**small, "sections": outline})
    add("section-empty.json", ["section.empty"],
        {**small, "sections": [*small["sections"][:-1], {**small["sections"][-1], "text": "  "}]})
    bad_date = json.loads(json.dumps(small))
    bad_date["ledger"][2]["assigned_on"] = "2024-13-01"
    add("ledger-bad-date.json", ["ledger.bad_value"], bad_date)
    unknown_class = json.loads(json.dumps(small))
    unknown_class["ledger"][0]["result_class"] = "D"
    add("ledger-class-outside-scheme.json", ["ledger.class_unknown"], unknown_class)
    bad_choice = json.loads(json.dumps(small))
    bad_choice["ledger"][1]["role"] = "协助"
    bad_choice["ledger"][3]["attitude"] = "很好"
    add("ledger-bad-choices.json", ["ledger.bad_value", "ledger.bad_value"], bad_choice)
    missing = json.loads(json.dumps(small))
    del missing["ledger"][4]["item_number"]
    add("ledger-missing-number.json", ["ledger.missing_value"], missing)
    duplicate = json.loads(json.dumps(small))
    duplicate["ledger"].append(dict(duplicate["ledger"][0]))
    add("ledger-duplicate-item.json", ["ledger.duplicate"], duplicate)
    stated = json.loads(json.dumps(small))
    stated["sections"][2]["text"] = "全年共承办建议和提案10件，办结率100%，全部按时答复。"
    add("narrative-contradicts-ledger.json", ["summary.figure_mismatch", "summary.figure_mismatch"], stated)
    add("ledger-empty.json", ["schema.too_few"], {**small, "ledger": []})
    for name, (case, _codes) in cases.items():
        write_case(folder / name, case)
    (folder / "expected.json").write_text(
        json.dumps({name: codes for name, (_case, codes) in cases.items()}, ensure_ascii=False, indent=2) + "\n", "utf-8"
    )


if __name__ == "__main__":
    main()
