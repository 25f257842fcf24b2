"""承诺事项台账: every commitment of the letters, row by row (read back with openpyxl); the sheets,
the status drop-down and frozen headers; the read-back that flags what is overdue and not closed;
and every face."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from conftest import SAMPLES, load_case
from docgen import service
from docgen.cli import main
from docgen.errors import InputRejected

LETTERS = SAMPLES / "commitments" / "答复函-2025.json"
CASES = load_case(LETTERS)
AS_OF = dt.date(2025, 9, 1)
HEADERS = ("序号", "编号", "标题", "代表委员", "主办单位", "答复要点", "承诺措施", "完成时限", "剩余天数", "状态", "办结情况说明")
SUMMARY_HEADERS = ("主办单位", "承诺事项", "未到期", "已到期待核实", "已办结", "逾期未办结")


def ledger(cases=CASES, as_of=AS_OF) -> bytes:
    raw = json.dumps(cases, ensure_ascii=False).encode("utf-8")
    return service.commitments_ledger([("答复函.json", raw)], as_of).content


def sheet_rows(content: bytes, sheet: str | int = 0) -> list[tuple]:
    book = load_workbook(io.BytesIO(content))
    ws = book.worksheets[sheet] if isinstance(sheet, int) else book[sheet]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1] == (SUMMARY_HEADERS if sheet == "汇总" else HEADERS)
    return rows[2:]


def by_hand(cases: list[dict], as_of: dt.date) -> list[tuple]:
    """The rows the ledger must hold, written out from the letters without docgen."""
    out = []
    for case in cases:
        suffix = "代表" if case["source"] == "建议" else "委员"
        for point in case["points"]:
            for m in point.get("measures", []):
                deadline = dt.date.fromisoformat(m["deadline"])
                out.append((f"第{case['item_number']}号{case['source']}", case["item_title"], case["lead_author"] + suffix,
                            case["handling_unit"], point["topic"], m["content"], deadline, (deadline - as_of).days,
                            "已到期待核实" if deadline < as_of else "未到期", None))
    return out


def test_every_commitment_of_every_letter_is_one_row_in_order():
    rows = sheet_rows(ledger())
    expected = by_hand(CASES, AS_OF)
    assert len(rows) == len(expected) == 10
    for n, (row, want) in enumerate(zip(rows, expected), start=1):
        assert row[0] == n
        assert (*row[1:7], row[7].date(), *row[8:]) == want


def test_days_and_status_follow_the_as_of_date():
    early = sheet_rows(ledger(as_of=dt.date(2025, 6, 1)))
    assert {r[9] for r in early} == {"未到期"} and all(r[8] > 0 for r in early)
    late = sheet_rows(ledger(as_of=dt.date(2026, 7, 1)))
    assert {r[9] for r in late} == {"已到期待核实"} and all(r[8] < 0 for r in late)


def test_a_sheet_per_unit_holds_exactly_that_units_rows():
    content = ledger()
    book = load_workbook(io.BytesIO(content))
    units = list(dict.fromkeys(c["handling_unit"] for c in CASES))
    assert book.sheetnames == ["承诺事项", "汇总", *units]
    everything = sheet_rows(content)
    for unit in units:
        mine = [r[1:] for r in sheet_rows(content, unit)]
        assert mine == [r[1:] for r in everything if r[4] == unit]


def test_the_summary_counts_commitments_and_overdue_per_unit():
    data = {r[0]: r[1:] for r in sheet_rows(ledger(), "汇总")}
    expected = by_hand(CASES, AS_OF)
    for unit in {c["handling_unit"] for c in CASES}:
        mine = [r for r in expected if r[3] == unit]
        overdue = sum(1 for r in mine if r[6] < AS_OF)
        assert data[unit] == (len(mine), len(mine) - overdue, overdue, 0, overdue)
    assert data["合计"] == (10, 6, 4, 0, 4)


def test_headers_are_frozen_and_the_status_column_offers_only_the_three_statuses():
    book = load_workbook(io.BytesIO(ledger()))
    for ws in book.worksheets:
        assert ws.freeze_panes == "A3"
        if ws.title == "汇总":
            continue
        [rule] = ws.data_validations.dataValidation
        assert rule.type == "list" and rule.formula1 == '"未到期,已到期待核实,已办结"'
        assert str(rule.sqref) == "J3:J2000" and not rule.allow_blank


def test_letters_from_the_batch_spreadsheet_give_their_commitments():
    from docgen.batch import load_cases

    content = (SAMPLES / "batch" / "答复函批量模板.xlsx").read_bytes()
    letters = load_cases("reply-letter", "答复函批量模板.xlsx", content).cases  # as the batch reads the sheet
    as_of = dt.date(2025, 1, 1)
    rows = sheet_rows(service.commitments_ledger([("答复函批量模板.xlsx", content)], as_of).content)
    assert [(*r[1:7], r[7].date(), *r[8:]) for r in rows] == by_hand(letters, as_of)
    assert len(rows) >= 2


def test_letters_with_errors_are_refused_each_named():
    bad = [CASES[0], {**CASES[1], "points": [{**CASES[1]["points"][0], "measures": [{"content": "研究推进"}]}]}]
    with pytest.raises(InputRejected) as caught:
        ledger(bad)
    assert caught.value.code == "invalid_letters"
    assert [(f.code, f.path) for f in caught.value.findings] == [
        ("commitment.deadline_missing", "cases[1].points[0].measures[0].deadline")]
    assert caught.value.findings[0].message.startswith("第2件（答复函.json，第27号建议）")


def test_no_letters_at_all_is_refused():
    with pytest.raises(InputRejected) as caught:
        ledger([])
    assert [f.code for f in caught.value.findings] == ["letters.empty"]


# --- reading the ledger back ----------------------------------------------------------------------


def updated(content: bytes, statuses: dict[int, str]) -> bytes:
    """The ledger as staff update it: statuses typed into the 状态 column of the first sheet."""
    book = load_workbook(io.BytesIO(content))
    for row, status in statuses.items():
        book.worksheets[0][f"J{row}"] = status
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_read_back_flags_each_commitment_overdue_and_not_closed_by_its_row():
    expected = by_hand(CASES, AS_OF)
    overdue_rows = [n + 3 for n, r in enumerate(expected) if r[6] < AS_OF]
    closed = overdue_rows[0]
    review = service.review_commitments("台账.xlsx", updated(ledger(), {closed: "已办结", 4: "已办结"}), AS_OF)
    assert review.total == 10 and review.by_status == {"未到期": 5, "已到期待核实": 3, "已办结": 2}
    flagged = [f.message for f in review.overdue]
    assert len(flagged) == len(overdue_rows) - 1
    for row in overdue_rows[1:]:
        assert any(f"工作表“承诺事项”第{row}行" in m for m in flagged)
    assert all(f.severity.value == "warning" for f in review.overdue) and review.ok


def test_read_back_on_a_later_date_flags_rows_still_marked_not_due():
    review = service.review_commitments("台账.xlsx", ledger(), dt.date(2026, 7, 1))
    assert len(review.overdue) == 10
    assert "状态为“未到期”，尚未办结" in review.overdue[-1].message


def test_a_status_outside_the_three_is_an_error_naming_sheet_row_and_column():
    review = service.review_commitments("台账.xlsx", updated(ledger(), {5: "完成了"}), AS_OF)
    [bad] = [f for f in review.findings if f.severity.value == "error"]
    assert bad.code == "commitments.bad_value" and "工作表“承诺事项”第5行“状态”列的值“完成了”" in bad.message
    assert review.total == 10 and sum(review.by_status.values()) == 9


def test_a_ledger_typed_by_hand_with_title_rows_and_other_headers_is_read():
    book = Workbook()
    ws = book.active
    ws.append(["2025年承诺事项台账"])
    ws.append([])
    ws.append(["序号", "编号", "承办单位", "承诺事项", "承诺时限", "办理状态"])
    ws.append([1, "第3号建议", "江州市民政局", "建成助餐点10个", "2025年6月30日", "未到期"])
    ws.append([2, "第4号建议", "江州市民政局", "修订补贴办法", dt.datetime(2025, 12, 31), "未到期"])
    out = io.BytesIO()
    book.save(out)
    review = service.review_commitments("手工台账.xlsx", out.getvalue(), AS_OF)
    assert [f.path for f in review.overdue] == ["commitments[0]"]
    assert "第4行第3号建议（江州市民政局）的承诺“建成助餐点10个”完成时限为2025年6月30日" in review.overdue[0].message


def test_a_file_that_is_not_a_workbook_is_refused():
    with pytest.raises(InputRejected) as caught:
        service.review_commitments("台账.xlsx", b"not a workbook", AS_OF)
    assert caught.value.code == "invalid_commitments"


# --- faces -------------------------------------------------------------------------------------------


def test_cli_writes_the_ledger_and_reads_it_back(tmp_path):
    target = tmp_path / "台账.xlsx"
    result = CliRunner().invoke(main, ["commitments", str(LETTERS), "-o", str(target), "--as-of", "2025/9/1"])
    assert result.exit_code == 0, result.output
    assert len(sheet_rows(target.read_bytes())) == 10
    check = CliRunner().invoke(main, ["commitments-check", str(target), "--as-of", "2025-09-01"])
    assert check.exit_code == 0 and check.output.count("[commitment.overdue]") == 4
    assert "共10项承诺" in check.output and "逾期未办结4项" in check.output


def test_cli_refuses_bad_letters_without_writing(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{**CASES[0], "result_class": "B", "points": [{"topic": "甲", "answer": "乙", "measures": [{"content": "丙"}]}]}],
                              ensure_ascii=False), "utf-8")
    result = CliRunner().invoke(main, ["commitments", str(bad), "-o", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 1 and "commitment.deadline_missing" in result.output
    assert not (tmp_path / "x.xlsx").exists()


def test_cli_refuses_a_bad_date_and_a_wrong_extension(tmp_path):
    assert CliRunner().invoke(main, ["commitments", str(LETTERS), "-o", str(tmp_path / "x.docx")]).exit_code == 2
    result = CliRunner().invoke(main, ["commitments", str(LETTERS), "-o", str(tmp_path / "x.xlsx"), "--as-of", "9/1/2025"])
    assert result.exit_code == 2 and "--as-of" in result.output


def test_api_makes_the_ledger_and_reviews_it(client, api):
    response = api.post_json("/api/v1/commitments?as_of=2025-09-01", CASES)
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    upload = client.post("/api/v1/commitments", data={"letters": [(LETTERS.open("rb"), LETTERS.name)]},
                         query_string={"as_of": "2025-09-01"})
    assert upload.status_code == 200 and len(sheet_rows(upload.data)) == 10
    review = client.post("/api/v1/commitments/review?as_of=2025-09-01", data={"ledger": (io.BytesIO(response.data), "台账.xlsx")})
    body = review.get_json()
    assert review.status_code == 200 and body["overdue"] == 4 and body["total"] == 10


def test_api_refuses_bad_letters_with_their_findings(api):
    response = api.post_json("/api/v1/commitments", [{"source": "建议"}])
    assert response.status_code == 422 and response.get_json()["code"] == "invalid_letters"
    assert response.get_json()["findings"][0]["path"].startswith("cases[0].")


def test_web_page_makes_the_ledger_and_lists_what_is_overdue(client):
    made = client.post("/commitments", data={"as_of": "2025-09-01", "_action": "make",
                                             "letters": [(LETTERS.open("rb"), LETTERS.name)]})
    assert made.status_code == 200 and made.mimetype.endswith("spreadsheetml.sheet")
    page = client.post("/commitments", data={"as_of": "2025-09-01", "_action": "review",
                                             "ledger": (io.BytesIO(made.data), "台账.xlsx")})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="overdue-count">4<' in html and html.count("finding warning") == 4
