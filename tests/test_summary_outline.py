"""Annual summaries as offices outline them: which parts are required, recommended or optional
is the locality profile's, and renamed parts are recognised by their titles' meaning, through
the library, the CLI and the HTTP API."""

from __future__ import annotations

import copy

import pytest
from click.testing import CliRunner

import docgen
from docgen.cli import main
from docgen.errors import ConfigError
from docgen.findings import Severity
from docgen.kinds.annual_summary import Section, parts_named
from docgen.profile import load_profile
from docgen.web import create_app

from conftest import SAMPLES, load_case, open_docx

KIND = "annual-summary"
FOLDER = SAMPLES / KIND
OWN_OUTLINE = FOLDER / "minzheng-2024-own-outline.json"
SEED_OUTLINE = FOLDER / "invalid" / "outline-without-problems-and-plans.json"
BASE = load_case(FOLDER / "minzheng-2024.json")


def with_sections(*titles: str) -> dict:
    data = copy.deepcopy(BASE)
    data["sections"] = [{"title": title, "text": f"{title}的内容。"} for title in titles]
    return data


def codes(data: dict, profile=None) -> list[tuple[str, Severity]]:
    return sorted((f.code, f.severity) for f in docgen.check(KIND, data, profile or load_profile()).findings)


def profile_with(tmp_path, toml: str):
    path = tmp_path / "local.toml"
    path.write_text(toml, "utf-8")
    return load_profile(path)


# --- the library ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title, parts",
    [
        ("主要做法", {"practices"}),
        ("办理程序", {"practices"}),
        ("协商程序", {"practices"}),
        ("创新举措", {"practices"}),
        ("二、规范办理程序", {"practices"}),
        ("（三）取得的成效", {"results"}),
        ("办理成效", {"results"}),
        ("问题与不足", {"problems"}),
        ("2025年工作打算", {"plans"}),
        ("存在的问题和下一步打算", {"problems", "plans"}),
        ("基本情况", set()),
        ("典型案例", set()),
    ],
)
def test_renamed_parts_are_recognised_by_their_titles_meaning(title, parts):
    assert parts_named(Section(title=title, text="x"), load_profile()) == parts


def test_a_key_given_by_the_case_counts_whatever_the_title():
    assert parts_named(Section(key="results", title="典型案例", text="x"), load_profile()) == {"results"}


def test_seed_outline_without_problems_and_plans_only_warns_and_renders():
    data = with_sections("办理程序", "协商程序", "办理成效", "创新举措")
    assert codes(data) == [("section.recommended_missing", Severity.WARNING)] * 2
    messages = [f.message for f in docgen.check(KIND, data).findings]
    assert any("存在的问题" in m for m in messages) and any("下一步打算" in m for m in messages)
    assert open_docx(docgen.render(KIND, data).content).paragraphs


def test_an_outline_of_its_own_with_every_part_renamed_is_clean():
    assert codes(load_case(OWN_OUTLINE)) == []


@pytest.mark.parametrize("titles, missing", [
    (("办理程序", "存在的问题", "下一步打算"), "办理成效"),
    (("办理成效", "存在的问题", "下一步打算"), "主要做法"),
])
def test_the_narrative_of_the_work_and_its_results_is_required(titles, missing):
    found = docgen.check(KIND, with_sections(*titles)).findings
    assert [(f.code, f.severity, f.path) for f in found] == [("section.missing", Severity.ERROR, "sections")]
    assert f"缺少必备部分“{missing}”" in found[0].message and "也可识别" in found[0].message


def test_profile_can_require_a_recommended_part(tmp_path):
    profile = profile_with(tmp_path, '[summary.sections.problems]\nrequirement = "required"\n')
    assert codes(with_sections("办理程序", "办理成效"), profile) == [
        ("section.missing", Severity.ERROR), ("section.recommended_missing", Severity.WARNING),
    ]


def test_profile_can_make_a_part_optional(tmp_path):
    profile = profile_with(tmp_path, '[summary.sections.plans]\nrequirement = "optional"\n'
                                     '[summary.sections.problems]\nrequirement = "optional"\n')
    assert codes(with_sections("办理程序", "办理成效"), profile) == []


def test_profile_synonyms_name_the_titles_a_locality_uses(tmp_path):
    data = with_sections("办理程序", "工作亮点", "存在的问题", "下一步打算")
    assert codes(data) == [("section.missing", Severity.ERROR)]
    profile = profile_with(tmp_path, '[summary.sections.results]\nsynonyms = ["工作亮点"]\n')
    assert codes(data, profile) == []


def test_profile_refuses_an_unknown_requirement(tmp_path):
    with pytest.raises(ConfigError, match="local.toml"):
        profile_with(tmp_path, '[summary.sections.plans]\nrequirement = "must"\n')


# --- the CLI and the HTTP API ------------------------------------------------------------------------


def test_cli_validates_the_seed_outline_with_warnings_and_exit_0():
    result = CliRunner().invoke(main, ["validate", KIND, str(SEED_OUTLINE)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.stderr.count("[section.recommended_missing]") == 2


def test_cli_refuses_the_seed_outline_where_the_profile_requires_problems(tmp_path):
    config = tmp_path / "local.toml"
    config.write_text('[summary.sections.problems]\nrequirement = "required"\n', "utf-8")
    target = tmp_path / "总结.docx"
    result = CliRunner().invoke(main, ["--config", str(config), "render", KIND, str(SEED_OUTLINE), "-o", str(target)],
                                catch_exceptions=False)
    assert result.exit_code == 1
    assert "[section.missing]" in result.stderr and "存在的问题" in result.stderr
    assert not target.exists()


def test_api_renders_the_seed_outline_naming_the_warnings(api):
    response = api.post_json(f"/api/v1/documents/{KIND}", load_case(SEED_OUTLINE))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["X-Docgen-Warnings"] == "section.recommended_missing,section.recommended_missing"
    headings = [p.text for p in open_docx(response.data).paragraphs if p.text.endswith(("办理程序", "创新举措"))]
    assert headings == ["二、办理程序", "五、创新举措"]


def test_api_validates_an_outline_of_its_own_as_clean(api):
    response = api.post_json(f"/api/v1/documents/{KIND}/validate", load_case(OWN_OUTLINE))
    assert response.get_json() == {"ok": True, "findings": []}


def test_api_refuses_a_summary_without_its_results(api):
    response = api.post_json(f"/api/v1/documents/{KIND}", with_sections("办理程序", "存在的问题"))
    assert response.status_code == 422
    assert [f["code"] for f in response.get_json()["findings"]] == ["section.missing", "section.recommended_missing"]


def test_summary_page_offers_the_parts_the_profile_names(tmp_path):
    config = tmp_path / "local.toml"
    config.write_text('[summary.sections.plans]\ntitle = "2025年工作思路"\n', "utf-8")
    page = create_app({"TESTING": True, "PROFILE": load_profile(config)}).test_client().get("/summary")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "主要做法" in html and "2025年工作思路" in html and "下一步打算" not in html
