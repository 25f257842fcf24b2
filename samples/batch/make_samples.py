"""Build the batch samples reproducibly (fictional city 江州市).

    .venv/bin/python samples/batch/make_samples.py

Writes
- 答复函批量模板.xlsx: the spreadsheet clerks fill for a batch of reply letters — the headers
  (every column docgen reads, required ones shaded darker), four realistic letters (classes A,
  B with dated measures and a co-handler's opinion, C with the reason, and a B letter over
  three rows: two points, the second with two commitments), drop-down lists, and a 填写说明
  sheet generated from docgen.kinds.reply_letter_table.COLUMNS;
- reply-letters.json: five reply-letter cases for `docgen batch` / POST /api/v1/batch — four
  valid samples from samples/reply-letter/ and one invalid (a B-class commitment without its
  deadline), so the report shows a refused case.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

from docgen.kinds.reply_letter_table import COLUMNS as REPLY_LETTER_COLUMNS  # noqa: E402

TEMPLATE = HERE / "答复函批量模板.xlsx"
CASES = HERE / "reply-letters.json"

ROWS: list[dict[str, object]] = [
    {
        "来源": "建议", "层级": "市", "届次": 15, "会议次数": 3, "编号": 88,
        "标题": "关于在老旧小区增设电动自行车集中充电设施的建议",
        "领衔人": "周文静", "联名人": "赵敏、钱卫东",
        "主办单位": "江州市住房和城乡建设局", "自称": "我局", "发文字号": "江建复〔2024〕41号",
        "办理结果": "A",
        "所提问题": "关于增设电动自行车集中充电设施",
        "答复内容": "我局将电动自行车集中充电设施建设纳入今年老旧小区改造内容，已在青山区、老城区的42个小区"
                    "建成集中充电棚126处、充电端口3100余个，并同步安装了视频监控和自动灭火装置。\n"
                    "对尚未改造的小区，由街道组织物业企业利用架空层、边角地增设充电点，目前已全部完成选址。",
        "联系人": "王敏", "联系电话": "0571-87001234",
        "交办日期": dt.date(2024, 3, 20), "答复日期": dt.date(2024, 5, 30), "公开属性": "主动公开",
    },
    {
        "来源": "建议", "层级": "市", "届次": 15, "会议次数": 3, "编号": 102,
        "标题": "关于加强住宅小区物业服务监管的建议",
        "领衔人": "黄志刚",
        "主办单位": "江州市住房和城乡建设局", "自称": "我局", "发文字号": "江建复〔2024〕45号",
        "办理结果": "B",
        "所提问题": "关于物业服务质量和收费监管",
        "答复内容": "我局今年开展了住宅小区物业服务专项检查，检查项目218个，对服务不到位的31家物业企业"
                    "下达了整改通知书，并将检查结果纳入物业企业信用评价。",
        "措施": "出台住宅小区物业服务质量评价办法，按年度公布评价结果（2024-12-31）；"
                "在全市推行物业服务事项和收费标准“亮牌”公示制度（2025-06-30）",
        "联系人": "王敏", "联系电话": "0571-87001234", "分管领导": "刘志强",
        "交办日期": dt.date(2024, 3, 20), "答复日期": dt.date(2024, 6, 12), "公开属性": "主动公开",
        "会办单位意见": "江州市市场监督管理局：将物业服务收费纳入年度价格监督检查，对违规收费行为依法查处",
    },
    {
        "来源": "提案", "层级": "市", "届次": 12, "会议次数": 3, "编号": 156,
        "标题": "关于在临湖新城建设第二座市级体育中心的提案",
        "领衔人": "孙立群",
        "主办单位": "江州市体育局", "自称": "我局", "发文字号": "江体复〔2024〕9号",
        "办理结果": "C",
        "所提问题": "关于临湖新城市级体育中心选址建设",
        "答复内容": "我局会同市规划和自然资源局对临湖新城的体育设施需求进行了调研。临湖新城现有常住人口约6万人，"
                    "已建成社区体育公园3处、全民健身中心1处。",
        "原因": "市级体育中心的布局须与《江州市体育设施专项规划（2021—2035年）》相衔接，现行规划未在临湖新城"
                "布局市级体育中心，本规划期内暂不具备立项条件。我局将在规划中期评估时统筹研究临湖新城的体育设施布局。",
        "联系人": "钱芳", "联系电话": "0571-85123456",
        "交办日期": dt.date(2024, 2, 28), "答复日期": dt.date(2024, 5, 24), "公开属性": "依申请公开",
        "签发人": "吴建华",
    },
    # One letter over three rows: a row per point, then a row per further commitment of the point above.
    {
        "来源": "建议", "层级": "市", "届次": 15, "会议次数": 3, "编号": 117,
        "标题": "关于推进老旧小区物业管理全覆盖的建议",
        "领衔人": "冯晓东",
        "主办单位": "江州市住房和城乡建设局", "自称": "我局", "发文字号": "江建复〔2024〕47号",
        "办理结果": "B",
        "所提问题": "关于老旧小区引入专业化物业服务",
        "答复内容": "我局会同各区对全市老旧小区物业管理情况进行了摸底，412个小区中已有287个引入专业化物业服务，"
                    "其余小区由街道、社区托管或居民自治管理。",
        "措施": "制定老旧小区物业服务导则，明确基本服务内容和收费指导价（2024-12-31）",
        "联系人": "王敏", "联系电话": "0571-87001234",
        "交办日期": dt.date(2024, 3, 20), "答复日期": dt.date(2024, 6, 14), "公开属性": "主动公开",
    },
    {
        "编号": 117,
        "所提问题": "关于指导业主委员会组建",
        "答复内容": "今年已在试点街道配备业主委员会组建指导员，帮助21个小区依法成立业主委员会。",
        "措施": "在全市各街道配齐业主委员会组建指导员（2025-03-31）",
    },
    {
        "编号": 117,
        "措施": "将业主委员会组建率纳入街道年度考核（2025-06-30）",
    },
]

CHOICES = {
    "来源": "建议,提案",
    "办理结果": "A,B,C,D",
    "情况复杂": "是,否",
    "公开属性": "主动公开,依申请公开,不予公开",
    "主办单位为政府部门": "是,否",
}
WIDE = {"标题": 40, "所提问题": 28, "答复内容": 60, "措施": 60, "原因": 40, "会办单位意见": 50, "主办单位": 24}
DATES = ("交办日期", "答复日期")


def write_template(path: Path) -> None:
    headers = [c.label for c in REPLY_LETTER_COLUMNS]
    book = Workbook()
    sheet = book.active
    sheet.title = "答复函"
    sheet.append(headers)
    for cell, column in zip(sheet[1], REPLY_LETTER_COLUMNS):
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="9BC2E6" if column.required else "DDEBF7")
        cell.alignment = Alignment(horizontal="center")
    for row in ROWS:
        sheet.append([row.get(h) for h in headers])
    for index, header in enumerate(headers, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = WIDE.get(header, 12)
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if header in DATES:
                cell.number_format = "yyyy-mm-dd"
        if header in CHOICES:
            options = CHOICES[header]
            validation = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True)
            validation.error = f"请从下拉列表中选择：{options.replace(',', '、')}"
            validation.errorTitle = "取值不正确"
            validation.prompt = f"可选：{options.replace(',', '、')}"
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}501")
        if header in DATES:
            dates = DataValidation(type="date", operator="greaterThan", formula1="DATE(2000,1,1)", allow_blank=True)
            dates.error = "请填写日期，如 2024-03-20"
            sheet.add_data_validation(dates)
            dates.add(f"{letter}2:{letter}501")
    sheet.freeze_panes = "A2"

    notes = book.create_sheet("填写说明")
    notes.append(["每件建议或提案生成一份答复函，一次最多 500 件；表头请勿修改（也可使用英文列名，如 item_number）。"])
    notes.append(["一件只答复一个问题时写一行。答复多个问题时，同一编号写多行：每行一个“所提问题”和“答复内容”，"
                  "其他各列只在第一行填写（以下各行可以留空，填写的须与第一行相同）。"])
    notes.append(["一个问题有多项承诺时，可在“措施”格内用分号分隔，也可在下一行只填编号和“措施”，每行一项承诺。"])
    notes.append(["深色表头为必填列（多行的一件，只在第一行必填）。“序号”“备注”列可以保留，生成时忽略；其他不认识的列会被指出，请删除。"])
    notes.append([])
    notes.append(["列", "英文列名", "必填", "填写方法"])
    for cell in notes[6]:
        cell.font = Font(bold=True)
    for column in REPLY_LETTER_COLUMNS:
        notes.append([column.label, column.key, "是" if column.required else "", column.note])
    for letter, width in zip("ABCD", (16, 22, 6, 90)):
        notes.column_dimensions[letter].width = width

    book.properties.creator = "docgen"
    book.properties.created = book.properties.modified = dt.datetime(2024, 12, 31)
    book.save(path)


def write_cases(path: Path) -> None:
    folder = ROOT / "samples" / "reply-letter"
    names = ["a-suggestion-bus-shelter", "a-suggestion-school-crossing", None, "b-suggestion-elevators", "c-proposal-metro-line"]
    cases = []
    for name in names:
        if name is None:  # the invalid one: a B-class commitment without its deadline
            case = json.loads((folder / "invalid" / "b-undated-commitment.json").read_text("utf-8"))
            case["item_number"] = 131
            case["item_title"] = "关于加快拨付既有住宅加装电梯补助资金的建议"
        else:
            case = json.loads((folder / f"{name}.json").read_text("utf-8"))
        cases.append(case)
    path.write_text(json.dumps(cases, ensure_ascii=False, indent=1) + "\n", "utf-8")


def main() -> None:
    write_template(TEMPLATE)
    write_cases(CASES)
    print(f"wrote {TEMPLATE.name} ({len(ROWS)} rows, {len({r['编号'] for r in ROWS})} letters) and {CASES.name}")


if __name__ == "__main__":
    main()
