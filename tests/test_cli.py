"""The command line face: exit codes 0 / 1 / 2, Chinese messages, atomic output, stdin."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import docgen
from click.testing import CliRunner

from docgen.cli import main

from conftest import invalid_params, invalid_samples, load_case, open_docx, valid_samples

KIND = "reply-letter"
VALID = valid_samples(KIND)
INVALID = invalid_samples(KIND)


WARNINGS_ONLY = {"reply-late.json", "b-vague-commitment.json", "b-commitment-already-due.json"}
DOCGEN = Path(sys.executable).parent / "docgen"
ELEVATORS = next(p for p in VALID if p.stem == "b-suggestion-elevators")
ABCD_SAMPLE = next(p for p in VALID if p.stem == "abcd-proposal-elderly-canteens")
WITH_ERRORS = next(p for p, _ in INVALID if p.name == "b-without-commitments.json")


def config_args(path: Path) -> list[str]:
    """``--config <sidecar>.toml`` when the sample has a locality profile beside it."""
    sidecar = path.with_suffix(".toml")
    return ["--config", str(sidecar)] if sidecar.exists() else []


def run(*args: str, input: str | bytes | None = None, env: dict[str, str] | None = None):
    runner = CliRunner()
    return runner.invoke(main, list(args), input=input, env=env, catch_exceptions=False)


def assert_usage_problem(result) -> None:
    """Exit 2 with one Chinese line on stderr that starts with ``docgen：`` and no traceback."""
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert result.stderr.startswith("docgen："), result.stderr
    assert "Traceback" not in result.output
    assert any("\u4e00" <= ch <= "\u9fff" for ch in result.stderr.removeprefix("docgen："))


# --- kinds ----------------------------------------------------------------------------


def test_kinds_lists_reply_letter_with_title_and_description():
    result = run("kinds")
    assert result.exit_code == 0
    lines = result.stdout.strip().splitlines()
    assert [line.split("\t")[0] for line in lines] == [k.name for k in docgen.all_kinds()]
    name, title, description = lines[0].split("\t")
    assert (name, title) == (KIND, "答复函")
    assert "建议" in description


def test_help_is_in_chinese():
    result = run("--help")
    assert result.exit_code == 0
    assert "文书生成工具" in result.stdout


# --- validate -------------------------------------------------------------------------


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_validate_valid_sample_exits_0_and_says_passed(path):
    result = run(*config_args(path), "validate", KIND, str(path))
    assert result.exit_code == 0, result.output
    assert "检查通过" in result.stderr


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_validate_json_on_valid_sample_prints_ok_without_findings(path):
    result = run(*config_args(path), "validate", KIND, str(path), "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"ok": True, "findings": []}


@pytest.mark.parametrize("path,codes", invalid_params(KIND))
def test_validate_json_on_invalid_sample_reports_expected_codes_and_exit_code(path, codes):
    result = run(*config_args(path), "validate", KIND, str(path), "--json")
    report = json.loads(result.stdout)
    assert sorted(f["code"] for f in report["findings"]) == sorted(codes)
    if path.name in WARNINGS_ONLY:
        assert result.exit_code == 0 and report["ok"] is True
    else:
        assert result.exit_code == 1 and report["ok"] is False


def test_validate_without_json_prints_findings_with_chinese_severity_labels():
    result = run("validate", KIND, str(WITH_ERRORS))
    assert result.exit_code == 1
    assert "错误 [commitment.missing] points：" in result.stderr
    assert "检查未通过" in result.stderr


def test_validate_warning_sample_prints_warning_and_passes():
    path = next(p for p, _ in INVALID if p.name == "reply-late.json")
    result = run("validate", KIND, str(path))
    assert result.exit_code == 0
    assert "警告 [reply_date.late]" in result.stderr
    assert "检查通过" in result.stderr


def test_config_option_changes_the_result_class_scheme():
    without = run("validate", KIND, str(ABCD_SAMPLE), "--json")
    assert without.exit_code == 1
    assert [f["code"] for f in json.loads(without.stdout)["findings"]] == ["reason.missing"]
    assert run(*config_args(ABCD_SAMPLE), "validate", KIND, str(ABCD_SAMPLE)).exit_code == 0


def test_docgen_config_environment_variable_is_honoured():
    result = run("validate", KIND, str(ABCD_SAMPLE), env={"DOCGEN_CONFIG": str(ABCD_SAMPLE.with_suffix(".toml"))})
    assert result.exit_code == 0, result.output


def test_missing_config_file_exits_2_in_chinese(tmp_path):
    assert_usage_problem(run("--config", str(tmp_path / "nope.toml"), "validate", KIND, str(ELEVATORS)))


def test_invalid_config_file_exits_2_in_chinese(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[result_classes]\nscheme = "XYZ"\n', "utf-8")
    result = run("--config", str(bad), "validate", KIND, str(ELEVATORS))
    assert_usage_problem(result)
    assert "配置文件" in result.stderr


def test_unknown_kind_is_a_usage_error():
    result = run("validate", "no-such-kind", str(ELEVATORS))
    assert result.exit_code == 2


# --- unreadable input -----------------------------------------------------------------


def test_missing_case_file_exits_2_in_chinese(tmp_path):
    result = run("validate", KIND, str(tmp_path / "missing.json"))
    assert_usage_problem(result)
    assert "找不到案件文件" in result.stderr


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads files whatever their mode")
def test_case_file_without_read_permission_exits_2_in_chinese(tmp_path):
    case = tmp_path / "secret.json"
    case.write_text(ELEVATORS.read_text("utf-8"), "utf-8")
    case.chmod(0)
    try:
        result = run("validate", KIND, str(case))
    finally:
        case.chmod(0o600)
    assert_usage_problem(result)
    assert "无法读取案件文件" in result.stderr


def test_permission_error_while_reading_the_case_exits_2_in_chinese(tmp_path, monkeypatch):
    case = tmp_path / "case.json"
    case.write_text("{}", "utf-8")
    real_read_text = Path.read_text

    def denied(self, *args, **kwargs):
        if self == case:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_text(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", denied)
    result = run("validate", KIND, str(case))
    assert_usage_problem(result)
    assert "无法读取案件文件" in result.stderr


def test_case_file_that_is_not_utf8_exits_2_in_chinese(tmp_path):
    case = tmp_path / "gbk.json"
    case.write_bytes('{"source": "建议"}'.encode("gbk"))
    result = run("validate", KIND, str(case))
    assert_usage_problem(result)
    assert "无法读取案件文件" in result.stderr


def test_case_path_that_is_a_directory_exits_2(tmp_path):
    assert run("validate", KIND, str(tmp_path)).exit_code == 2


def test_case_path_that_is_a_directory_is_reported_in_chinese(tmp_path):
    assert_usage_problem(run("validate", KIND, str(tmp_path)))


@pytest.mark.parametrize(
    "text", ['{"source": ', "{'source': 1}", "", "[1,]"], ids=["truncated", "single-quotes", "empty", "trailing-comma"]
)
def test_malformed_json_exits_2_with_position_in_chinese(tmp_path, text):
    case = tmp_path / "bad.json"
    case.write_text(text, "utf-8")
    result = run("validate", KIND, str(case))
    assert_usage_problem(result)
    assert "不是有效的 JSON" in result.stderr and "行" in result.stderr and "列" in result.stderr


def test_deeply_nested_json_exits_2_not_a_traceback(tmp_path):
    case = tmp_path / "deep.json"
    case.write_text("[" * 100_000 + "]" * 100_000, "utf-8")
    assert_usage_problem(run("validate", KIND, str(case)))


def test_integer_literal_too_long_to_convert_exits_2_in_chinese(tmp_path):
    case = tmp_path / "bigint.json"
    case.write_text('{"item_number": ' + "9" * 5000 + "}", "utf-8")
    result = CliRunner().invoke(main, ["validate", KIND, str(case)])
    assert_usage_problem(result)


def test_json_that_is_not_an_object_exits_1_with_a_finding(tmp_path):
    case = tmp_path / "list.json"
    case.write_text("[1, 2, 3]", "utf-8")
    result = run("validate", KIND, str(case), "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["findings"][0]["code"] == "schema.type"


# --- render ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_render_valid_sample_writes_a_docx_that_opens(tmp_path, path):
    out = tmp_path / "letter.docx"
    result = run(*config_args(path), "render", KIND, str(path), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert f"已生成 {out}" in result.stderr
    document = open_docx(out.read_bytes())
    assert any("答复" in p.text for p in document.paragraphs)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["letter.docx"], "no temporary file is left behind"


def test_render_with_warnings_writes_the_file_and_prints_the_warnings(tmp_path):
    path = next(p for p, _ in INVALID if p.name == "b-vague-commitment.json")
    out = tmp_path / "vague.docx"
    result = run("render", KIND, str(path), "-o", str(out))
    assert result.exit_code == 0
    assert "警告 [commitment.vague]" in result.stderr
    open_docx(out.read_bytes())


def test_render_overwrites_an_existing_output_file(tmp_path):
    out = tmp_path / "letter.docx"
    out.write_bytes(b"old content")
    assert run("render", KIND, str(ELEVATORS), "-o", str(out)).exit_code == 0
    open_docx(out.read_bytes())
    assert [p.name for p in tmp_path.iterdir()] == ["letter.docx"]


def test_render_accepts_upper_case_docx_extension(tmp_path):
    out = tmp_path / "LETTER.DOCX"
    assert run("render", KIND, str(ELEVATORS), "-o", str(out)).exit_code == 0
    open_docx(out.read_bytes())


@pytest.mark.parametrize("path,codes", invalid_params(KIND, lambda p: p.name not in WARNINGS_ONLY))
def test_render_case_with_errors_exits_1_and_leaves_no_file(tmp_path, path, codes):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "letter.docx"
    result = run(*config_args(path), "render", KIND, str(path), "-o", str(out))
    assert result.exit_code == 1
    for code in codes:
        assert f"[{code}]" in result.stderr
    assert "未生成文书" in result.stderr
    assert list(out_dir.iterdir()) == [], "neither the output nor a temporary file may be left"


def test_render_case_with_errors_keeps_an_existing_output_untouched(tmp_path):
    out = tmp_path / "letter.docx"
    out.write_bytes(b"previous")
    result = run("render", KIND, str(WITH_ERRORS), "-o", str(out))
    assert result.exit_code == 1
    assert out.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["letter.docx"]


@pytest.mark.parametrize("name", ["x.doc", "x.txt", "x", "x.docx.bak"])
def test_render_to_unsupported_extension_exits_2_and_writes_nothing(tmp_path, name):
    result = run("render", KIND, str(ELEVATORS), "-o", str(tmp_path / name))
    assert_usage_problem(result)
    assert "不支持的输出格式" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_render_into_missing_directory_exits_2(tmp_path):
    result = run("render", KIND, str(ELEVATORS), "-o", str(tmp_path / "missing" / "x.docx"))
    assert_usage_problem(result)
    assert "输出目录不存在" in result.stderr
    assert not (tmp_path / "missing").exists()


def test_render_requires_an_output_option():
    result = run("render", KIND, str(ELEVATORS))
    assert result.exit_code == 2


def test_render_relative_output_lands_in_the_current_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("render", KIND, str(ELEVATORS), "-o", "letter.docx")
    assert result.exit_code == 0, result.output
    open_docx((tmp_path / "letter.docx").read_bytes())
    assert os.listdir(tmp_path) == ["letter.docx"]


# --- stdin ----------------------------------------------------------------------------


def test_validate_reads_the_case_from_stdin_with_dash():
    result = run("validate", KIND, "-", "--json", input=ELEVATORS.read_text("utf-8"))
    assert result.exit_code == 0
    assert json.loads(result.stdout)["ok"] is True


def test_render_reads_the_case_from_stdin_with_dash(tmp_path):
    out = tmp_path / "stdin.docx"
    result = run("render", KIND, "-", "-o", str(out), input=json.dumps(load_case(ELEVATORS), ensure_ascii=False))
    assert result.exit_code == 0, result.output
    open_docx(out.read_bytes())


def test_malformed_json_on_stdin_names_standard_input():
    result = run("validate", KIND, "-", input="{")
    assert_usage_problem(result)
    assert "标准输入" in result.stderr


# --- the installed script, in a real process ---------------------------------------------


def _script(*args: str, input: bytes | None = None) -> subprocess.CompletedProcess:
    assert DOCGEN.exists(), f"console script missing: {DOCGEN}"
    env = {k: v for k, v in os.environ.items() if k != "DOCGEN_CONFIG"}
    return subprocess.run([str(DOCGEN), *args], input=input, capture_output=True, timeout=60, env=env)


def test_installed_script_renders_from_stdin_and_validates_in_a_real_process(tmp_path):
    out = tmp_path / "letter.docx"
    rendered = _script("render", KIND, "-", "-o", str(out), input=ELEVATORS.read_bytes())
    assert rendered.returncode == 0, rendered.stderr.decode("utf-8", "replace")
    assert rendered.stdout == b""
    assert f"已生成 {out}".encode("utf-8") in rendered.stderr
    open_docx(out.read_bytes())

    path, codes = next((p, c) for p, c in INVALID if p.name == "missing-parts.json")
    checked = _script("validate", KIND, str(path), "--json")
    assert checked.returncode == 1
    assert sorted(f["code"] for f in json.loads(checked.stdout.decode("utf-8"))["findings"]) == sorted(codes)

    missing = _script("validate", KIND, str(tmp_path / "missing.json"))
    assert missing.returncode == 2
    assert missing.stderr.decode("utf-8").startswith("docgen：找不到案件文件")
