"""Hostile input never produces a 500 or a broken document.

User text full of markup, template syntax, control characters, bidi marks, emoji and very
long strings is printed literally (or, for characters XML cannot hold, dropped); arbitrary
JSON and mutated cases are answered with a 2xx/4xx, and every 200 from render is a .docx
that opens.
"""

from __future__ import annotations

import copy
import io
import json
import re
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from lxml import etree

import docgen
from docgen.kinds.reply_letter import ReplyLetterCase
from docgen.web import create_app

from conftest import SAMPLES, load_case, open_docx

KIND = "reply-letter"
RENDER = f"/api/v1/documents/{KIND}"
VALIDATE = f"/api/v1/documents/{KIND}/validate"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ALLOWED = {200, 400, 404, 413, 415, 422}

BASE = load_case(SAMPLES / KIND / "b-suggestion-elevators.json")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# Characters that XML 1.0 cannot hold (tab, newline and return are legal but folded to spaces).
XML_ILLEGAL = "".join(chr(i) for i in range(0x20) if chr(i) not in "\t\n\r") + "\ufffe\uffff"
ILLEGAL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

# Printed literally: markup, entities, CDATA ends, Jinja expressions and statements, bidi marks, emoji.
LITERALS = [
    "<", ">", "&", '"', "'", "]]>", "<w:t>", "</w:p>", "&amp;", "&#0;",
    "{{ 7*7 }}", "{% for x in range(10) %}", "{{ ''.__class__.__mro__ }}", "{#", "{%- raw %}",
    "\u200f", "\u202e", "\u200d", "😀", "👨‍👩‍👧", "𠀀",
]
LITERAL = "甲" + "".join(LITERALS) + "乙"
HOSTILE = "甲" + "".join(LITERALS) + XML_ILLEGAL + "乙"


def app_client():
    return create_app({"TESTING": True}).test_client()


CLIENT = app_client()  # module level: hypothesis examples share it (no function-scoped fixture)


# --- reading a document back ------------------------------------------------------------


def document_text(data: bytes) -> str:
    """Every paragraph of the body, tables, headers and footers, one per line, as Word shows it.

    Each XML part is parsed strictly, so a part that is not well-formed XML fails here."""
    lines = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
        for name in sorted(z.namelist()):
            if not re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", name):
                continue
            root = etree.fromstring(z.read(name))
            for p in root.iter(f"{W}p"):
                parts = []
                for node in p.iter(f"{W}t", f"{W}tab", f"{W}br"):
                    parts.append(node.text or "" if node.tag == f"{W}t" else ("\t" if node.tag == f"{W}tab" else "\n"))
                lines.append("".join(parts))
    return "\n".join(lines)


def assert_sound_docx(data: bytes) -> str:
    """The bytes are a .docx that python-docx opens and whose text holds no XML-illegal character."""
    document = open_docx(data)
    props = document.core_properties
    for value in (props.title, props.author, props.subject, props.keywords):
        assert not ILLEGAL_RE.search(value or "")
    text = document_text(data)
    assert not ILLEGAL_RE.search(text)
    return text


# --- cases with hostile text ------------------------------------------------------------


def hostile_case(text: str) -> dict:
    """The elevators sample with ``text`` in every free-text field that reaches the document."""
    case = copy.deepcopy(BASE)
    case["item_title"] = f"关于{text}的建议"
    case["lead_author"] = f"张{text}"
    case["co_authors"] = [f"李{text}"]
    case["handling_unit"] = f"局{text}"
    case["self_reference"] = f"我{text}"
    case["signer"] = f"签{text}"
    case["closing"] = f"谢{text}"
    case["reason"] = f"因{text}\n另{text}"
    case["copies"] = [f"抄{text}", "某办公室"]
    case["contact"]["name"] = f"联{text}"
    case["contact"]["leader"] = f"领{text}"
    case["co_handlers"][0]["unit"] = f"会{text}"
    case["co_handlers"][0]["opinion"] = f"意{text}"
    point = case["points"][0]
    point["topic"] = f"题{text}"
    point["answer"] = f"答{text}\n再答{text}"
    point["measures"][0]["content"] = f"措{text}"
    return case


def test_hostile_text_renders_literally_via_the_library():
    data = docgen.render(KIND, hostile_case(HOSTILE)).content
    text = assert_sound_docx(data)
    for prefix in ("关于", "张", "我", "签", "谢", "因", "另", "抄", "联", "领", "会", "意", "题", "答", "再答", "措"):
        assert prefix + LITERAL in text, prefix
    assert "{{ 7*7 }}" in text
    assert "49" not in text.replace("2024", "")  # the expression is not evaluated anywhere
    assert "<class" not in text and "object" not in text  # nor is __mro__


def test_hostile_text_renders_literally_via_the_api():
    response = CLIENT.post(
        RENDER, data=json.dumps(hostile_case(HOSTILE), ensure_ascii=True), content_type="application/json"
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == DOCX
    text = assert_sound_docx(response.data)
    assert "题" + LITERAL in text
    assert "张" + LITERAL + "等代表：" in text


def test_hostile_text_reaches_document_properties_cleaned():
    document = open_docx(docgen.render(KIND, hostile_case(HOSTILE)).content)
    assert document.core_properties.author == "局" + LITERAL


@pytest.mark.parametrize("char", list(XML_ILLEGAL), ids=lambda c: f"U+{ord(c):04X}")
def test_each_xml_illegal_character_is_dropped(char):
    case = copy.deepcopy(BASE)
    case["points"][0]["topic"] = f"前{char}后"
    case["lead_author"] = f"张{char}海燕"
    text = assert_sound_docx(docgen.render(KIND, case).content)
    assert "前后" in text
    assert "张海燕等代表：" in text


def test_line_breaks_inside_single_line_fields_become_spaces():
    case = copy.deepcopy(BASE)
    case["item_title"] = "关于加快\n推进\r\n既有住宅\t加装电梯\u2028工作的建议"
    case["points"][0]["topic"] = "关于简化\n审批\r程序"
    case["lead_author"] = "张\n海燕"
    text = assert_sound_docx(docgen.render(KIND, case).content)
    assert "《关于加快 推进 既有住宅 加装电梯 工作的建议》" in text
    assert "一、关于简化 审批 程序" in text.splitlines()
    assert "张 海燕等代表：" in text.splitlines()


def test_newlines_in_answers_split_paragraphs_and_blank_lines_are_dropped():
    case = copy.deepcopy(BASE)
    case["points"][0]["answer"] = "第一段<&>\n\n\n第二段{{ x }}\r\n   \n第三段"
    lines = assert_sound_docx(docgen.render(KIND, case).content).splitlines()
    start = lines.index("第一段<&>")
    assert lines[start : start + 3] == ["第一段<&>", "第二段{{ x }}", "第三段"]


def test_document_number_with_markup_characters_is_printed_literally():
    case = copy.deepcopy(BASE)
    case["document_number"] = "<&>'\"{{7*7}}〔2024〕5号"
    text = assert_sound_docx(docgen.render(KIND, case).content)
    assert "<&>'\"{{7*7}}〔2024〕5号" in text


def test_escaped_surrogate_pair_in_json_decodes_to_emoji_and_renders():
    body = json.dumps(hostile_case("x"), ensure_ascii=False).replace('"题x"', '"题\\ud83d\\ude00"')
    response = CLIENT.post(RENDER, data=body.encode("utf-8"), content_type="application/json")
    assert response.status_code == 200
    assert "题😀" in assert_sound_docx(response.data)


@pytest.mark.parametrize("url", [RENDER, VALIDATE])
@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "\\ude00\\ud83d", "a\\ud800b"])
def test_lone_surrogate_in_json_is_rejected_as_a_finding_not_a_crash(url, escape):
    body = json.dumps(BASE, ensure_ascii=False).replace('"关于简化加装电梯审批程序"', f'"{escape}"')
    assert escape in body
    response = CLIENT.post(url, data=body.encode("utf-8"), content_type="application/json")
    payload = response.get_json(force=True)
    expected = [{"code": "schema.text", "severity": "error", "path": "points[0].topic",
                 "message": "points[0].topic：包含无法识别的字符（如孤立的 Unicode 代理字符）"}]
    assert payload["findings"] == expected
    assert response.status_code == (422 if url == RENDER else 200)


def test_lone_surrogate_in_a_json_key_is_answered_not_crashed():
    for url in (RENDER, VALIDATE):
        response = CLIENT.post(url, data='{"\\ud800": "\\udc00"}', content_type="application/json")
        assert response.status_code in (200, 422)
        assert response.get_json(force=True)["findings"]


def test_lone_surrogate_via_library_raises_invalid_case():
    case = copy.deepcopy(BASE)
    case["closing"] = "谢谢\ud800"
    with pytest.raises(docgen.InvalidCase) as caught:
        docgen.render(KIND, case)
    assert [(f.code, f.path) for f in caught.value.findings] == [("schema.text", "closing")]


# --- length limits ------------------------------------------------------------------------


def test_strings_at_max_length_render_and_open():
    case = copy.deepcopy(BASE)
    short = ("<&>{{ 7*7 }}😀" * 40)[:200]
    long = ("答复<&>{% if %}\n" * 2000)[:20000]
    case["item_title"] = short[:-2] + "建议"
    case["lead_author"] = short
    case["handling_unit"] = short
    case["contact"]["name"] = short
    case["points"][0]["topic"] = short
    case["points"][0]["answer"] = long
    case["points"][0]["measures"][0]["content"] = long
    case["co_handlers"][0]["opinion"] = long
    case["reason"] = long
    response = CLIENT.post(RENDER, data=json.dumps(case), content_type="application/json")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    text = assert_sound_docx(response.data)
    assert short in text
    assert text.count("答复<&>{% if %}") >= 4 * 1000


def test_emoji_at_max_length_fit_document_properties():
    case = copy.deepcopy(BASE)
    case["handling_unit"] = "👨‍👩‍👧" * 40  # 200 code points, many more UTF-16 units and bytes
    assert len(case["handling_unit"]) == 200
    document = open_docx(docgen.render(KIND, case).content)
    assert document.core_properties.author == case["handling_unit"]


@pytest.mark.parametrize("field,limit", [("item_title", 200), ("lead_author", 200)])
def test_string_over_max_length_is_a_too_long_finding(field, limit):
    case = copy.deepcopy(BASE)
    case[field] = "长" * (limit + 1)
    response = CLIENT.post(RENDER, data=json.dumps(case), content_type="application/json")
    assert response.status_code == 422
    findings = response.get_json(force=True)["findings"]
    assert [(f["code"], f["path"]) for f in findings] == [("schema.too_long", field)]


def test_answer_over_max_length_is_a_too_long_finding():
    case = copy.deepcopy(BASE)
    case["points"][1]["answer"] = "长" * 20001
    result = docgen.check(KIND, case)
    assert [(f.code, f.path) for f in result.findings] == [("schema.too_long", "points[1].answer")]


# --- deep nesting and odd numbers ---------------------------------------------------------


@pytest.mark.parametrize("depth", [50, 500, 990, 5_000, 100_000])
def test_deeply_nested_lists_are_400_or_422_on_render(depth):
    body = "[" * depth + "]" * depth
    response = CLIENT.post(RENDER, data=body, content_type="application/json")
    assert response.status_code in (400, 422)
    assert response.get_json(force=True)["code"] in ("malformed_json", "invalid_case")
    response = CLIENT.post(VALIDATE, data=body, content_type="application/json")
    assert response.status_code in (400, 422)  # not a case: refused, as rendering refuses it


@pytest.mark.parametrize("depth", [500, 100_000])
def test_deeply_nested_objects_inside_a_field_are_400_or_422(depth):
    inner = '{"a":' * depth + "1" + "}" * depth
    body = json.dumps(BASE)[:-1] + ', "co_authors": [' + inner + "]}"
    response = CLIENT.post(RENDER, data=body, content_type="application/json")
    assert response.status_code in (400, 422)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400", "-0", "1.5", "true", "99999999999999999999999"])
def test_odd_numbers_for_item_number_are_findings(literal):
    body = json.dumps(BASE).replace('"item_number": 123', f'"item_number": {literal}')
    assert literal in body
    response = CLIENT.post(RENDER, data=body, content_type="application/json")
    assert response.status_code in (200, 422)
    if response.status_code == 422:
        assert [f["path"] for f in response.get_json(force=True)["findings"]] == ["item_number"]


@pytest.mark.parametrize("url", [RENDER, VALIDATE])
def test_integer_literal_over_4300_digits_is_400_not_500(url):
    body = json.dumps(BASE).replace('"item_number": 123', '"item_number": ' + "9" * 5000)
    response = CLIENT.post(url, data=body, content_type="application/json")
    assert response.status_code in (400, 422)


@pytest.mark.parametrize("url", [RENDER, VALIDATE])
@pytest.mark.parametrize("assigned_on,replied_on", [("9999-12-01", "9999-12-31"), ("9999-09-30", "9999-10-01")])
def test_dates_at_the_end_of_the_calendar_are_range_findings_not_500(url, assigned_on, replied_on):
    case = copy.deepcopy(BASE)
    case["assigned_on"], case["replied_on"] = assigned_on, replied_on
    for measure in (m for p in case["points"] for m in p.get("measures", [])):
        measure["deadline"] = "9999-12-31"
    response = CLIENT.post(url, data=json.dumps(case), content_type="application/json")
    assert response.status_code == (422 if url == RENDER else 200)
    findings = response.get_json(force=True)["findings"]
    assert {f["path"] for f in findings} >= {"assigned_on", "replied_on"}
    assert {f["code"] for f in findings} == {"schema.range"}


def test_dates_at_the_start_of_the_calendar_are_range_findings():
    case = copy.deepcopy(BASE)
    case["assigned_on"], case["replied_on"] = "0001-01-01", "0001-02-01"
    response = CLIENT.post(RENDER, data=json.dumps(case), content_type="application/json")
    assert response.status_code == 422
    found = {f["path"]: f for f in response.get_json(force=True)["findings"]}
    assert found["assigned_on"]["code"] == "schema.range" and "1950-01-01" in found["assigned_on"]["message"]


# --- property-based: arbitrary JSON and mutated cases --------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, prefix + (i,))


PATHS = sorted({p for p in _paths(BASE) if p} | {(name,) for name in ReplyLetterCase.model_fields}, key=repr)


def _get(node, path):
    for part in path:
        node = node[part]
    return node


STRING_PATHS = [p for p in _paths(BASE) if p and isinstance(_get(BASE, p), str)]
DELETE = object()


def _mutate(path, value):
    case = copy.deepcopy(BASE)
    parent = _get(case, path[:-1])
    if value is DELETE:
        if isinstance(parent, dict):
            parent.pop(path[-1], None)
        else:
            del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return case


mutated_cases = st.builds(_mutate, st.sampled_from(PATHS), json_values | st.just(DELETE)) | st.builds(
    _mutate, st.sampled_from(STRING_PATHS), st.text(max_size=60)
)

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)


def _post_both(body: bytes):
    """POST to validate and render; check the status, the shape, and that render agrees with validate."""
    checked = CLIENT.post(VALIDATE, data=body, content_type="application/json")
    assert checked.status_code in ALLOWED, checked.get_data(as_text=True)
    rendered = CLIENT.post(RENDER, data=body, content_type="application/json")
    assert rendered.status_code in ALLOWED, rendered.get_data(as_text=True)
    if rendered.status_code == 200:
        assert rendered.mimetype == DOCX
        assert_sound_docx(rendered.data)
    else:
        problem = rendered.get_json(force=True)
        assert {"type", "title", "status", "code", "detail", "findings"} <= set(problem)
        assert problem["status"] == rendered.status_code
    if checked.status_code == 200:
        report = checked.get_json()
        for finding in report["findings"]:
            assert finding["severity"] in ("error", "warning")
            assert finding["path"] in finding["message"]
        assert (rendered.status_code == 200) is report["ok"]
        if not report["ok"]:
            assert rendered.status_code == 422
            assert rendered.get_json(force=True)["findings"] == report["findings"]


@FUZZ
@given(json_values)
def test_arbitrary_json_is_never_a_server_error(value):
    _post_both(json.dumps(value).encode("utf-8"))


@FUZZ
@given(mutated_cases)
def test_mutated_valid_case_is_never_a_server_error(case):
    _post_both(json.dumps(case, ensure_ascii=False).encode("utf-8"))


@settings(max_examples=100, deadline=None, database=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_are_never_a_server_error(body):
    for url in (RENDER, VALIDATE):
        response = CLIENT.post(url, data=body, content_type="application/json")
        assert response.status_code in ALLOWED


@settings(max_examples=60, deadline=None, database=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=80))
def test_arbitrary_text_in_the_topic_is_printed_without_illegal_characters(text):
    case = copy.deepcopy(BASE)
    case["points"][0]["topic"] = "题" + text + "尾"
    response = CLIENT.post(RENDER, data=json.dumps(case), content_type="application/json")
    assert response.status_code == 200
    document_text_ = assert_sound_docx(response.data)
    expected = re.sub(r"[\t\r\n\u2028\u2029\x85]+", " ", ILLEGAL_RE.sub("", "题" + text + "尾"))
    assert "一、" + expected in document_text_.splitlines()
