"""A clerk fills each kind's form from an EMPTY page, in Debian's Chromium, the way a clerk does:
adding and removing list items (nested ones too), pressing Enter in fields, reloading midway,
making mistakes and fixing them, then downloading the document and reading it back."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from browser import browser, field, page, page_without_js, server  # noqa: F401 - fixtures
from conftest import SAMPLES, open_docx

LEDGER = SAMPLES / "annual-summary" / "台账-2024.xlsx"
FORM_KINDS = ("reply-letter", "co-handling-opinion", "survey-form", "review-opinion")


def items(page: Page, list_name: str):
    return page.locator(f'fieldset[data-name="{list_name}"] > ol > li.item')


def add(page: Page, list_name: str) -> None:
    page.click(f'fieldset[data-name="{list_name}"] > button.add')


def slot(page: Page, name: str):
    return page.locator(f'[data-path="{name}"]')


def download_text(page: Page, tmp_path: Path) -> str:
    """Press 生成 Word and read the document back: body paragraphs and table cells."""
    with page.expect_download(timeout=60_000) as info:
        page.click("#make-docx")
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    document = open_docx(path.read_bytes())
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def fill_session(page: Page, level: str, term: str, session: str) -> None:
    field(page, "session.level").fill(level)
    field(page, "session.term").fill(term)
    field(page, "session.session").fill(session)


def expect_saved(page: Page) -> None:
    expect(page.locator("#draft-status")).to_contain_text("已自动保存")


# --- 答复函: the letter, from an empty form ---------------------------------------------


def test_reply_letter_typed_from_an_empty_form_keeps_every_commitment(page, server, tmp_path):
    page.goto(f"{server}/kinds/reply-letter")
    expect(items(page, "co_authors")).to_have_count(0)

    # Enter in a one-line field checks; it does not add a co-author.
    field(page, "lead_author").fill("陈红")
    field(page, "lead_author").press("Enter")
    expect(page.locator("#summary")).to_contain_text("处错误")
    expect(items(page, "co_authors")).to_have_count(0)

    field(page, "source").select_option("建议")
    fill_session(page, "区", "15", "3")
    field(page, "item_number").fill("58")
    field(page, "item_title").fill("关于加快老旧小区电梯加装的建议")
    add(page, "co_authors")
    field(page, "co_authors.0").fill("刘洋")
    add(page, "co_authors")
    field(page, "co_authors.1").fill("赵静")
    field(page, "co_authors.1").press("Enter")  # with co-authors, Enter deletes none of them
    expect(items(page, "co_authors")).to_have_count(2)
    items(page, "co_authors").nth(0).locator("button.remove").click()
    expect(items(page, "co_authors")).to_have_count(1)
    expect(field(page, "co_authors.0")).to_have_value("赵静")  # renumbered after the removal

    field(page, "handling_unit").fill("江州市青山区住房和城乡建设局")
    field(page, "document_number").fill("青建复〔2026〕7号")
    field(page, "result_class").select_option("B")

    # Two points; the second is added after the first has its commitments (the nested lists).
    add(page, "points")
    field(page, "points.0.topic").fill("关于简化审批程序")
    field(page, "points.0.answer").fill("我局已会同相关部门将审批时限压缩至15个工作日。")
    add(page, "points.0.measures")
    field(page, "points.0.measures.0.content").fill("出台加装电梯联合审批办法")
    field(page, "points.0.measures.0.deadline").fill("2026-09-30")
    add(page, "points.0.measures")
    field(page, "points.0.measures.1.content").fill("建立加装电梯项目线上并联审批通道")
    add(page, "points")
    field(page, "points.1.topic").fill("关于财政补助")
    field(page, "points.1.answer").fill("区财政对每台电梯给予补助。")
    add(page, "points.1.measures")
    field(page, "points.1.measures.0.content").fill("将补助标准提高至每台20万元")
    field(page, "points.1.measures.0.deadline").fill("2027-06-30")
    expect_saved(page)

    # Midway, the page is reloaded: everything typed comes back, nested items included.
    page.reload()
    expect(page.locator("#draft-status")).to_contain_text("已恢复")
    expect(items(page, "points")).to_have_count(2)
    expect(items(page, "points.0.measures")).to_have_count(2)
    expect(field(page, "points.1.measures.0.deadline")).to_have_value("2027-06-30")
    expect(field(page, "co_authors.0")).to_have_value("赵静")
    expect(field(page, "result_class")).to_have_value("B")

    add(page, "co_handlers")
    field(page, "co_handlers.0.unit").fill("江州市青山区财政局")
    field(page, "co_handlers.0.opinion").fill("将按规定及时拨付加装电梯补助资金")
    add(page, "co_handlers")
    field(page, "co_handlers.1.unit").fill("江州市青山区城市管理局")
    field(page, "co_handlers.1.opinion").fill("将同步做好施工期间的占道审批")
    field(page, "contact.name").fill("李华")
    field(page, "contact.phone").fill("110")  # a mistake
    field(page, "assigned_on").fill("2026-03-20")
    field(page, "replied_on").fill("2026-05-15")

    # Leaving by the navigation and coming Back keeps the list items too.
    page.click("header nav >> text=文书类型")
    page.go_back()
    expect(items(page, "co_handlers")).to_have_count(2)
    expect(field(page, "co_handlers.1.opinion")).to_have_value("将同步做好施工期间的占道审批")

    # Two mistakes, named by their Chinese labels and positions beside their fields.
    page.click("#check")
    deadline = slot(page, "points.0.measures.1.deadline")
    expect(deadline.locator(".finding.error")).to_contain_text("第1项答复要点 › 第2项承诺措施 › 完成时限：")
    expect(deadline.locator(".finding.error .code")).to_have_text("commitment.deadline_missing")
    expect(slot(page, "contact.phone").locator(".finding.error")).to_contain_text("联系方式 › 联系电话：")
    expect(page.locator("#summary")).to_contain_text("有 2 处错误")
    expect(page.locator("#summary")).not_to_contain_text("points[")

    # 生成 Word with errors keeps the clerk on the page with everything typed.
    page.click("#make-docx")
    expect(page.locator("#summary")).to_contain_text("有 2 处错误")
    expect(field(page, "points.0.measures.1.content")).to_have_value("建立加装电梯项目线上并联审批通道")

    field(page, "points.0.measures.1.deadline").fill("2026-12-31")
    field(page, "contact.phone").fill("0571-87654321")
    page.click("#check")
    expect(page.locator("#summary")).to_contain_text("检查通过")

    text = download_text(page, tmp_path)
    assert "出台加装电梯联合审批办法，2026年9月30日前完成" in text
    assert "建立加装电梯项目线上并联审批通道，2026年12月31日前完成" in text
    assert "将补助标准提高至每台20万元，2027年6月30日前完成" in text
    assert "江州市青山区财政局：将按规定及时拨付加装电梯补助资金。" in text
    assert "江州市青山区城市管理局：将同步做好施工期间的占道审批。" in text
    assert "陈红等代表：" in text and "你们在区十五届人大三次会议期间提出的" in text  # one co-author kept: 你们, never 您们


def test_loading_a_sample_asks_before_replacing_the_clerks_work(page, server):
    page.goto(f"{server}/kinds/reply-letter")
    field(page, "item_title").fill("关于增设公交候车亭的建议")
    expect_saved(page)
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("#load-sample")
    expect(field(page, "item_title")).to_have_value("关于增设公交候车亭的建议")
    assert "sample=" not in page.url

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#load-sample")
    expect(field(page, "item_title")).to_have_value("关于在城东菜场站增设公交候车亭的建议")

    field(page, "closing").fill("再次感谢您的关心。")  # edits of a sample survive a reload too
    page.reload()
    expect(field(page, "item_title")).to_have_value("关于在城东菜场站增设公交候车亭的建议")
    expect(field(page, "closing")).to_have_value("再次感谢您的关心。")


def test_clearing_the_draft_gives_an_empty_form_that_stays_empty(page, server):
    page.goto(f"{server}/kinds/reply-letter")
    field(page, "lead_author").fill("陈红")
    add(page, "points")
    expect_saved(page)
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#clear-draft")
    expect(field(page, "lead_author")).to_have_value("")
    expect(items(page, "points")).to_have_count(0)
    page.reload()
    expect(field(page, "lead_author")).to_have_value("")


def test_fields_show_examples_class_meanings_and_level_choices(page, server):
    page.goto(f"{server}/kinds/reply-letter")
    expect(field(page, "document_number")).to_have_attribute("placeholder", "例：杭建复〔2024〕12号")
    expect(field(page, "contact.phone")).to_have_attribute("placeholder", "例：0571-87654321")
    expect(field(page, "result_class").locator("option[value=B]")).to_have_text("B类：所提问题正在解决或已列入计划逐步解决")
    expect(slot(page, "signer")).to_contain_text("签发人：姓名")
    expect(slot(page, "letterhead")).to_contain_text("公函纸")
    level = field(page, "session.level")
    options = page.locator(f'datalist[id="{level.get_attribute("list")}"] option')
    assert {"市", "区", "县", "州", "盟"} <= set(options.evaluate_all("(os) => os.map((o) => o.value)"))
    level.fill("西湖区")  # free entry stays allowed
    level.press("Enter")
    expect(page.locator("#summary")).to_contain_text("处错误")
    expect(slot(page, "session.level").locator(".finding")).to_have_count(0)


def test_enter_without_javascript_checks_and_adds_nothing(page_without_js, server):
    page = page_without_js
    page.goto(f"{server}/kinds/reply-letter")
    field(page, "lead_author").fill("陈红")
    field(page, "lead_author").press("Enter")
    expect(page.locator("#summary")).to_contain_text("处错误")
    expect(items(page, "co_authors")).to_have_count(0)
    expect(field(page, "lead_author")).to_have_value("陈红")
    expect(slot(page, "handling_unit").locator(".finding.error")).to_contain_text("主办单位：缺少必填字段")


def test_typed_dates_reach_the_server_as_typed(page, server):
    page.goto(f"{server}/kinds/reply-letter")
    date = field(page, "assigned_on")
    date.evaluate("(node) => { node.type = 'text'; }")  # as a browser without a date picker shows it
    date.fill("2026年3月20日")
    with page.expect_request(lambda request: request.url.endswith("/check.json")) as sent:
        page.click("#check")
    assert "2026年3月20日" in sent.value.post_data_buffer.decode("utf-8")


def test_a_date_that_does_not_exist_is_reported_beside_its_field(page, server):
    page.goto(f"{server}/kinds/reply-letter")
    date = field(page, "replied_on")
    date.evaluate("(node) => { node.type = 'text'; }")  # as a browser without a date picker shows it
    date.fill("2026-02-30")
    page.click("#check")
    finding = slot(page, "replied_on").locator(".finding.error")
    expect(finding).to_contain_text("答复日期：")
    expect(finding).not_to_contain_text("replied_on")


# --- the other kinds, each from an empty form ----------------------------------------------------


def test_co_handling_opinion_from_an_empty_form(page, server, tmp_path):
    page.goto(f"{server}/kinds/co-handling-opinion")
    field(page, "source").select_option("建议")
    fill_session(page, "区", "11", "2")
    field(page, "item_number").fill("56")
    field(page, "item_title").fill("关于在城东菜场站增设公交候车亭的建议")
    field(page, "lead_author").fill("吴丽华")
    field(page, "lead_unit").fill("江州市青山区交通运输局")
    field(page, "co_handling_unit").fill("江州市青山区综合行政执法局")
    field(page, "work_done").fill("我局已在站点周边开展早市秩序专项整治。")
    add(page, "points")
    add(page, "points")
    field(page, "points.1.topic").fill("多余的一项")
    items(page, "points").nth(0).locator(":scope > button.remove").click()  # the empty first one goes
    expect(field(page, "points.0.topic")).to_have_value("多余的一项")
    field(page, "points.0.topic").fill("关于候车亭周边秩序")
    field(page, "points.0.opinion").fill("我局同意在菜场站两侧各设候车亭一座。")
    add(page, "points.0.measures")
    field(page, "points.0.measures.0.content").fill("将站点前后各30米划为禁止占道经营区域")
    field(page, "points.0.topic").press("Enter")
    expect(items(page, "points.0.measures")).to_have_count(1)
    expect(items(page, "points")).to_have_count(1)
    field(page, "contact.name").fill("方晓伟")
    field(page, "contact.phone").fill("13905716688")
    field(page, "assigned_on").fill("2024-03-15")
    field(page, "issued_on").fill("2024-04-10")
    page.reload()
    expect(field(page, "points.0.measures.0.content")).to_have_value("将站点前后各30米划为禁止占道经营区域")

    page.click("#check")
    expect(slot(page, "points.0.measures.0.deadline").locator(".finding.error")).to_contain_text(
        "第1项会办意见要点 › 第1项承诺措施 › 完成时限："
    )
    field(page, "points.0.measures.0.deadline").fill("2024-05-31")
    page.click("#check")
    expect(page.locator("#summary")).to_contain_text("检查通过")
    text = download_text(page, tmp_path)
    assert "将站点前后各30米划为禁止占道经营区域，2024年5月31日前完成" in text
    assert "江州市青山区交通运输局：" in text


def test_survey_form_from_an_empty_form(page, server, tmp_path):
    page.goto(f"{server}/kinds/survey-form")
    field(page, "source").select_option("建议")
    fill_session(page, "区", "15", "3")
    field(page, "item_number").fill("58")
    field(page, "item_title").fill("关于加快老旧小区电梯加装的建议")
    field(page, "lead_author").fill("陈红")
    field(page, "handling_unit").fill("江州市青山区住房和城乡建设局")
    add(page, "co_handling_units")
    field(page, "co_handling_units.0").fill("江州市青山区住房和城乡建设局")  # a mistake: the lead unit
    add(page, "co_handling_units")
    field(page, "co_handling_units.1").fill("江州市青山区财政局")
    field(page, "result_class").select_option("B")
    field(page, "assigned_on").fill("2026-03-20")
    field(page, "replied_on").fill("2026-05-15")
    field(page, "return_to.contact").fill("李华")
    field(page, "return_to.phone").fill("0571-87654321")
    page.click("#check")
    expect(slot(page, "co_handling_units.0").locator(".finding.error")).to_contain_text("第1项会办单位：")
    items(page, "co_handling_units").nth(0).locator("button.remove").click()
    page.click("#check")
    expect(page.locator("#summary")).to_contain_text("检查通过")
    text = download_text(page, tmp_path)
    assert "关于加快老旧小区电梯加装的建议" in text and "江州市青山区财政局" in text


def test_review_opinion_from_an_empty_form(page, server, tmp_path):
    page.goto(f"{server}/kinds/review-opinion")
    field(page, "locality").fill("江州市青山区")
    fill_session(page, "区", "11", "1")
    field(page, "meeting.date").fill("2024-10-25")
    field(page, "meeting.number").fill("5")
    field(page, "assessment").fill("区政府高度重视代表建议办理工作。")
    add(page, "problems")
    field(page, "problems.0").fill("一是部分承办单位答复质量不高")  # a mistake: the numbering is made by docgen
    add(page, "opinions")
    field(page, "opinions.0.lead").fill("进一步提高办理质量")
    field(page, "opinions.0.text").fill("承办单位要把解决问题作为办理工作的根本目的。")
    field(page, "issued_on").fill("2024-11-05")
    page.click("#check")
    expect(slot(page, "problems.0").locator(".finding.error")).to_contain_text("第1项存在的问题：")
    field(page, "problems.0").fill("部分承办单位答复质量不高")
    page.reload()
    expect(field(page, "problems.0")).to_have_value("部分承办单位答复质量不高")
    page.click("#check")
    expect(page.locator("#summary")).not_to_contain_text("处错误")
    text = download_text(page, tmp_path)
    assert "一是部分承办单位答复质量不高" in text and "进一步提高办理质量" in text


# --- every page speaks Chinese ----------------------------------------------------------------

# File formats a clerk knows by these names; everything else in Latin letters is a machine word.
FORMAT_NAMES = {"Word", "PDF", "Excel", "CSV", "JSON"}
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z_.\[\]0-9-]*[A-Za-z0-9\]]")

VISIBLE_TEXT = """() => {
  const style = document.createElement("style");
  style.textContent = ".code { display: none !important; }";
  document.head.appendChild(style);
  const texts = [document.title, document.body.innerText];
  document.querySelectorAll("select option, [placeholder]").forEach((node) => {
    texts.push(node.tagName === "OPTION" ? node.textContent : node.getAttribute("placeholder"));
  });
  style.remove();
  return texts.join("\\n");
}"""


def machine_words(page: Page) -> set[str]:
    return {w for w in LATIN_WORD.findall(page.evaluate(VISIBLE_TEXT)) if w not in FORMAT_NAMES}


def test_every_page_speaks_chinese_outside_the_small_print_codes(page, server):
    seen: dict[str, set[str]] = {}
    for url in ["/", "/batch", "/summary", "/api-docs"] + [f"/kinds/{k}" for k in FORM_KINDS]:
        page.goto(server + url)
        if url == "/api-docs":  # Swagger UI's own controls are the developers' tool, not the clerk's page
            page.evaluate("document.querySelector('#swagger-ui').remove()")
        seen[url] = machine_words(page)
        if url.startswith("/kinds/"):
            page.click("#check")  # the findings of an empty form
            expect(page.locator("#summary")).to_contain_text("处错误")
            seen[url + " 检查"] = machine_words(page)
            page.once("dialog", lambda dialog: dialog.accept())
            page.click("#load-sample")
            page.click("#check")
            expect(page.locator("#summary .finding, #summary strong").first).to_be_visible()
            seen[url + " 示例"] = machine_words(page)
    page.goto(f"{server}/summary")
    page.fill("#unit", "江州市住房和城乡建设局")
    page.fill("#year", "2024")
    page.set_input_files("#ledger", str(LEDGER))
    page.click("#analyse")
    expect(page.locator("#figures")).to_be_visible()
    seen["/summary 统计"] = machine_words(page)
    assert {url: sorted(words) for url, words in seen.items() if words} == {}


def test_api_page_is_readable_and_served_without_a_cdn(page, server):
    outside: list[str] = []
    page.on("request", lambda request: None if request.url.startswith(server) else outside.append(request.url))
    page.goto(server)
    page.click("header nav >> text=接口说明")
    expect(page.locator("main > h1")).to_have_text("接口说明")
    operation = page.get_by_role("button", name="POST /api/v1/batch 批量生成")
    expect(operation).to_be_visible(timeout=20_000)  # drawn from /openapi.json, descriptions in Chinese
    assert outside == []
