"""The HTTP face, through Flask's test client: discovery, rendering, validation and problem documents."""

from __future__ import annotations

import json
import re
from urllib.parse import unquote

import pytest

import docgen
from docgen.web import create_app

from conftest import invalid_params, invalid_samples, load_case, open_docx, valid_samples

KIND = "reply-letter"
RENDER = f"/api/v1/documents/{KIND}"
VALIDATE = f"/api/v1/documents/{KIND}/validate"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PROBLEM = "application/problem+json"
PROBLEM_KEYS = {"type", "title", "status", "code", "detail", "findings"}
CJK = re.compile(r"[\u4e00-\u9fff]")

# The invalid samples whose findings are all warnings: they still render.
WARNINGS_ONLY = {"reply-late.json", "b-vague-commitment.json", "b-commitment-already-due.json"}

EXPECTED_TITLES = {
    "a-suggestion-bus-shelter": "关于区十一届人大二次会议第56号建议的答复",
    "a-suggestion-school-crossing": "关于区十一届人大二次会议第8号建议的答复",
    "abcd-proposal-elderly-canteens": "关于县政协十届四次会议第31号提案的答复",
    "b-suggestion-elevators": "关于市十五届人大三次会议第123号建议的答复",
    "c-proposal-metro-line": "关于市政协十二届三次会议第245号提案的答复",
}

VALID = valid_samples(KIND)
ELEVATORS_PATH = next(p for p in VALID if p.stem == "b-suggestion-elevators")
INVALID = invalid_samples(KIND)


def assert_problem(response, status: int, code: str) -> dict:
    """A problem document of the one shape every error has."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json(force=True)
    assert set(body) == PROBLEM_KEYS
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == f"urn:docgen:problem:{code}"
    assert isinstance(body["title"], str) and CJK.search(body["title"])
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["findings"], list)
    return body


def assert_well_formed_finding(finding: dict) -> None:
    assert set(finding) == {"code", "severity", "path", "message"}
    assert finding["severity"] in {"error", "warning"}
    assert finding["code"] and finding["path"]
    assert CJK.search(finding["message"]), finding
    assert finding["path"] in finding["message"], finding


def filename_star(disposition: str) -> str:
    match = re.search(r"filename\*=UTF-8''([^;\s]+)", disposition)
    assert match, disposition
    return unquote(match.group(1), encoding="utf-8", errors="strict")


# --- discovery ------------------------------------------------------------------------


def test_healthz_reports_ok_and_the_registered_kinds(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["kinds"] == [k.name for k in docgen.all_kinds()] and body["kinds"][0] == KIND
    assert body["pdf"]["started"] is False  # the pool starts with `docgen serve` or on first PDF request


def _assert_reply_letter_schema(schema: dict) -> None:
    assert schema["type"] == "object"
    props = schema["properties"]
    for field in ("source", "session", "item_number", "item_title", "result_class", "points", "contact", "replied_on"):
        assert field in props, field
    assert props["result_class"]["title"] == "办理结果分类"
    assert props["item_title"]["title"] == "建议/提案标题"
    defs = schema.get("$defs", {})
    resolved = [defs[p["$ref"].rsplit("/", 1)[-1]] if "$ref" in p and "title" not in p else p for p in props.values()]
    titled = [p["title"] for p in resolved if "title" in p]
    assert len(titled) == len(props), "every top-level field carries a title"
    assert all(CJK.search(t) for t in titled)
    assert {"source", "result_class", "points", "contact"} <= set(schema["required"])


def _walk_refs(node, found: list[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                found.append(value)
            else:
                _walk_refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _walk_refs(value, found)


def _resolve(document: dict, ref: str):
    assert ref.startswith("#/"), f"external or malformed $ref {ref!r}"
    node = document
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        assert isinstance(node, dict) and part in node, f"$ref {ref!r} does not resolve"
        node = node[part]
    return node


def test_kinds_lists_reply_letter_with_its_json_schema(client):
    response = client.get("/api/v1/kinds")
    assert response.status_code == 200
    kinds = response.get_json()["kinds"]
    assert [k["name"] for k in kinds] == [k.name for k in docgen.all_kinds()]
    kind = next(k for k in kinds if k["name"] == KIND)
    assert kind["title"] == "答复函"
    assert CJK.search(kind["description"])
    _assert_reply_letter_schema(kind["schema"])


def test_kinds_schema_refs_resolve_within_the_schema(client):
    schema = client.get("/api/v1/kinds").get_json()["kinds"][0]["schema"]
    refs: list[str] = []
    _walk_refs(schema, refs)
    assert refs, "nested models are referenced through $defs"
    for ref in refs:
        _resolve(schema, ref)


def test_single_kind_endpoint_describes_reply_letter(client):
    response = client.get(f"/api/v1/kinds/{KIND}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["name"] == KIND and body["title"] == "答复函"
    _assert_reply_letter_schema(body["schema"])
    assert body == client.get("/api/v1/kinds").get_json()["kinds"][0]


def test_single_kind_endpoint_answers_unknown_kind_with_404_problem(client):
    assert_problem(client.get("/api/v1/kinds/no-such-kind"), 404, "unknown_kind")


def test_openapi_is_3_1_with_render_and_validate_paths(client):
    response = client.get("/openapi.json")
    assert response.status_code == 200
    doc = response.get_json()
    assert doc["openapi"].startswith("3.1")
    assert doc["info"]["title"] == "docgen" and doc["info"]["version"]
    paths = doc["paths"]
    assert "post" in paths[RENDER] and "post" in paths[VALIDATE]
    assert DOCX in paths[RENDER]["post"]["responses"]["200"]["content"]
    assert "422" in paths[RENDER]["post"]["responses"]
    for url in (RENDER, VALIDATE):
        for status in ("400", "413", "415"):
            assert PROBLEM in paths[url]["post"]["responses"][status]["content"]
    assert {"/healthz", "/api/v1/kinds"} <= set(paths)
    operation_ids = [op["operationId"] for item in paths.values() for op in item.values()]
    assert len(operation_ids) == len(set(operation_ids))


def test_every_ref_in_openapi_resolves_inside_the_document(client):
    doc = client.get("/openapi.json").get_json()
    refs: list[str] = []
    _walk_refs(doc, refs)
    assert len(refs) > 5
    for ref in refs:
        target = _resolve(doc, ref)
        assert isinstance(target, dict)
    # the request body schema is the reply-letter case itself
    body_ref = doc["paths"][RENDER]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert "result_class" in _resolve(doc, body_ref)["properties"]


# --- rendering valid samples ----------------------------------------------------------


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_render_valid_sample_returns_docx_with_chinese_filename(api, path):
    response = api.for_sample(path).post_json(RENDER, load_case(path))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == DOCX
    document = open_docx(response.data)
    assert any(EXPECTED_TITLES[path.stem][:6] in p.text for p in document.paragraphs)
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="reply-letter.docx"' in disposition
    disposition.encode("ascii")  # the header itself is pure ASCII
    assert filename_star(disposition) == f"{EXPECTED_TITLES[path.stem]}.docx"
    assert "X-Docgen-Warnings" not in response.headers


def test_render_elevators_sample_names_the_file_after_the_item(api):
    path = next(p for p in VALID if p.stem == "b-suggestion-elevators")
    response = api.for_sample(path).post_json(RENDER, load_case(path))
    assert filename_star(response.headers["Content-Disposition"]) == "关于市十五届人大三次会议第123号建议的答复.docx"


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_validate_valid_sample_is_ok_without_findings(api, path):
    response = api.for_sample(path).post_json(VALIDATE, load_case(path))
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json() == {"ok": True, "findings": []}


def test_render_accepts_json_with_utf8_bom_and_charset_parameter(api):
    path = VALID[0]
    body = b"\xef\xbb\xbf" + json.dumps(load_case(path), ensure_ascii=False).encode("utf-8")
    response = api.for_sample(path).client.post(RENDER, data=body, content_type="application/json; charset=utf-8")
    assert response.status_code == 200
    open_docx(response.data)


# --- invalid samples ------------------------------------------------------------------


@pytest.mark.parametrize("path,codes", invalid_params(KIND))
def test_validate_invalid_sample_reports_exactly_the_expected_codes(api, path, codes):
    response = api.for_sample(path).post_json(VALIDATE, load_case(path))
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"ok", "findings"}
    assert sorted(f["code"] for f in body["findings"]) == sorted(codes)
    for finding in body["findings"]:
        assert_well_formed_finding(finding)
    has_error = any(f["severity"] == "error" for f in body["findings"])
    assert body["ok"] is (not has_error)
    assert has_error is (path.name not in WARNINGS_ONLY)


@pytest.mark.parametrize("path,codes", invalid_params(KIND, lambda p: p.name not in WARNINGS_ONLY))
def test_render_sample_with_errors_is_422_invalid_case_with_the_same_findings(api, path, codes):
    sample_api = api.for_sample(path)
    response = sample_api.post_json(RENDER, load_case(path))
    body = assert_problem(response, 422, "invalid_case")
    assert sorted(f["code"] for f in body["findings"]) == sorted(codes)
    for finding in body["findings"]:
        assert_well_formed_finding(finding)
    assert body["findings"] == sample_api.post_json(VALIDATE, load_case(path)).get_json()["findings"]
    assert "Content-Disposition" not in response.headers


@pytest.mark.parametrize("path,codes", invalid_params(KIND, lambda p: p.name in WARNINGS_ONLY))
def test_render_warnings_only_sample_succeeds_and_lists_warning_codes_in_header(api, path, codes):
    response = api.for_sample(path).post_json(RENDER, load_case(path))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == DOCX
    open_docx(response.data)
    assert sorted(response.headers["X-Docgen-Warnings"].split(",")) == sorted(codes)


def test_warnings_only_samples_are_listed_in_expected_json():
    assert WARNINGS_ONLY <= {p.name for p, _ in INVALID}


# --- malformed requests ---------------------------------------------------------------


@pytest.mark.parametrize("url", [RENDER, VALIDATE])
@pytest.mark.parametrize("body", [b'{"source": ', b"{'a': 1}", b"", b"[1, 2,]", b"\xff\xfe{}"], ids=["truncated", "single-quotes", "empty", "trailing-comma", "not-utf8"])
def test_malformed_json_is_400_malformed_json(client, url, body):
    problem = assert_problem(client.post(url, data=body, content_type="application/json"), 400, "malformed_json")
    assert problem["findings"] == []


@pytest.mark.parametrize("url", [RENDER, VALIDATE])
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml", None])
def test_non_json_content_type_is_415_unsupported_media_type(client, url, content_type):
    body = json.dumps(load_case(VALID[0]))
    kwargs = {"content_type": content_type} if content_type else {}
    assert_problem(client.post(url, data=body, **kwargs), 415, "unsupported_media_type")


@pytest.mark.parametrize("url", ["/api/v1/documents/no-such-kind", "/api/v1/documents/no-such-kind/validate"])
def test_unknown_kind_is_404_unknown_kind(api, url):
    problem = assert_problem(api.post_json(url, load_case(VALID[0])), 404, "unknown_kind")
    assert "no-such-kind" in problem["detail"]


@pytest.mark.parametrize("url", ["/nowhere", "/api/v1/documents", "/api/v2/kinds"])
def test_unknown_route_is_404_problem(client, url):
    assert_problem(client.get(url), 404, "not_found")


@pytest.mark.parametrize("url", [RENDER, VALIDATE])
def test_get_on_post_route_is_405_problem(client, url):
    assert_problem(client.get(url), 405, "method_not_allowed")


def test_method_not_allowed_response_carries_allow_header(client):
    response = client.get(RENDER)
    assert response.status_code == 405
    assert "POST" in response.headers.get("Allow", "")


@pytest.mark.parametrize("url", [RENDER, VALIDATE])
def test_body_over_the_limit_is_413_payload_too_large(url):
    small = create_app({"TESTING": True, "MAX_CONTENT_LENGTH": 1024}).test_client()
    body = json.dumps(load_case(ELEVATORS_PATH), ensure_ascii=False).encode("utf-8")
    assert len(body) > 1024
    assert_problem(small.post(url, data=body, content_type="application/json"), 413, "payload_too_large")


def test_default_body_limit_is_configured(app):
    assert app.config["MAX_CONTENT_LENGTH"] == 16 * 1024 * 1024


@pytest.mark.parametrize("body", ["[]", "[1, 2]", "42", "3.5", "null", "true", '"text"'])
def test_json_that_is_not_an_object_is_422_on_render_with_findings(client, body):
    problem = assert_problem(client.post(RENDER, data=body, content_type="application/json"), 422, "invalid_case")
    assert [f["code"] for f in problem["findings"]] == ["schema.type"]
    assert problem["findings"][0]["path"] == "$"
    assert_well_formed_finding(problem["findings"][0])


@pytest.mark.parametrize("body", ["[]", "42", "null", "[null, null]"])
def test_json_that_is_not_an_object_is_422_on_validate_with_findings(client, body):
    problem = assert_problem(client.post(VALIDATE, data=body, content_type="application/json"), 422, "invalid_case")
    assert problem["findings"] == [{"code": "schema.type", "severity": "error", "path": "$", "message": "$：应为对象"}]


def test_empty_object_lists_every_missing_required_field(client):
    response = client.post(VALIDATE, data="{}", content_type="application/json")
    findings = response.get_json()["findings"]
    assert {f["code"] for f in findings} == {"schema.missing"}
    assert {"source", "points", "contact", "result_class"} <= {f["path"] for f in findings}
