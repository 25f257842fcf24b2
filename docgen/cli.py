"""The command line face: ``docgen render | validate | summary | stats | batch | kinds | schema | serve | worker``,
and the year's lists: ``assignment | speech | commitments | commitments-check``,
and the credentials: ``docgen tokens …``, ``docgen users …``.

Exit codes: 0 success (warnings allowed), 1 the case has findings of severity error,
2 bad usage or unreadable input, 3 PDF conversion unavailable or failed, 4 a process rendering a
batch died.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

# No collection while the imports below make their ~50,000 objects, which live as long as the
# process: each would walk them all again (0.05 s); the collector is as it was after, and a
# program then freezes them (see Program).
_COLLECTING = gc.isenabled()
gc.disable()
try:
    import click

    from . import allocator, service
    from .converter import ConversionFailed, ConversionTimeout, ConverterPool, ConverterUnavailable
    from .errors import CaseRejected, DocgenError, InputRejected, InvalidCase
    from .findings import Finding, Severity
    from .formatting import DateTextError, parse_date
    from .intake.jsondata import MalformedJson, decode_json
    from .kinds import all_kinds, get_kind, kind_names
    from .profile import Profile, load_profile
    from .settings import Settings, load_settings
finally:
    if _COLLECTING:
        gc.enable()

if TYPE_CHECKING:
    from .credentials import CredentialStore

EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_CONVERSION = 3
EXIT_WORKER_LOST = 4

SEVERITY_LABEL = {Severity.ERROR: "错误", Severity.WARNING: "警告"}


class ConversionProblem(click.ClickException):
    """PDF conversion could not be done here (exit code 3)."""

    exit_code = EXIT_CONVERSION

    def show(self, file: Any = None) -> None:
        click.echo(f"docgen：{self.message}", err=True)


class UsageProblem(click.ClickException):
    """An input problem reported in Chinese with exit code 2."""

    exit_code = EXIT_USAGE

    def format_message(self) -> str:
        return self.message

    def show(self, file: Any = None) -> None:
        click.echo(f"docgen：{self.format_message()}", err=True)


def _settings(ctx: click.Context, **flags: Any) -> Settings:
    try:
        return load_settings(ctx.obj.get("settings_file"), **flags)
    except DocgenError as exc:
        raise UsageProblem(exc.message) from exc


def _profile(ctx: click.Context) -> Profile:
    try:
        return load_profile(ctx.obj.get("config"))
    except DocgenError as exc:
        raise UsageProblem(exc.message) from exc


def read_case(path: str) -> Any:
    """The case JSON from a file, or from standard input for ``-``."""
    name = "标准输入" if path == "-" else path
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text("utf-8-sig")
    except FileNotFoundError as exc:
        raise UsageProblem(f"找不到案件文件：{path}") from exc
    except IsADirectoryError as exc:
        raise UsageProblem(f"案件文件应为 JSON 文件，{path} 是目录") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageProblem(f"无法读取案件文件 {name}：{exc}") from exc
    try:
        return decode_json(text, f"“{name}”")
    except MalformedJson as exc:
        raise UsageProblem(exc.message) from exc


def echo_findings(findings: list[Finding]) -> None:
    for f in findings:
        click.echo(f"{SEVERITY_LABEL[f.severity]} [{f.code}] {f.message}", err=True)


def write_atomically(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` through a temporary file, so no half-written file is left.
    The file gets the usual permissions (0666 less the umask), not the temporary file's 0600."""
    directory = path.parent if str(path.parent) else Path(".")
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    umask = os.umask(0o022)
    os.umask(umask)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(content)
            os.fchmod(out.fileno(), 0o666 & ~umask)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


class Program(click.Group):
    """The ``docgen`` group, which runs as a program when called (``main()``: the ``docgen``
    console script and ``python -m docgen.cli``).

    Run as a program, it first moves every object made so far, mostly the imported modules'
    classes, functions and schemas, to the garbage collector's permanent generation
    (:func:`gc.freeze`): they live as long as the process, and no collection, the one at exit
    included, walks them again. Invoked as a library (``main.main([...])``, as click's
    CliRunner does), it leaves its host's collector alone."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        gc.freeze()
        return super().__call__(*args, **kwargs)


@click.group(cls=Program, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", type=click.Path(dir_okay=False), envvar="DOCGEN_CONFIG", help="地方配置文件（TOML），覆盖内置默认值")
@click.option("--settings", "settings_file", type=click.Path(dir_okay=False), envvar="DOCGEN_SETTINGS",
              help="服务设置文件（TOML），见 README 的设置表")
@click.version_option(package_name="docgen")
@click.pass_context
def main(ctx: click.Context, config: str | None, settings_file: str | None) -> None:
    """docgen：人大代表建议、政协委员提案办理文书生成工具。"""
    ctx.ensure_object(dict)
    ctx.obj["config"] = config
    ctx.obj["settings_file"] = settings_file


KIND_NAMES = click.Choice(kind_names())


@main.command()
def kinds() -> None:
    """列出支持的文书类型。"""
    for kind in all_kinds():
        click.echo(f"{kind.name}\t{kind.title}\t{kind.description}")


@main.command()
@click.argument("kind", type=KIND_NAMES)
def schema(kind: str) -> None:
    """输出文书类型的 JSON Schema。"""
    click.echo(json.dumps(get_kind(kind).json_schema(), ensure_ascii=False, indent=2))


@main.command()
@click.argument("kind", type=KIND_NAMES)
@click.argument("case")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出检查结果")
@click.pass_context
def validate(ctx: click.Context, kind: str, case: str, as_json: bool) -> None:
    """检查案件数据，列出问题（退出码：0 通过，1 有错误，2 输入无法读取）。"""
    profile = _profile(ctx)
    result = service.check(kind, read_case(case), profile)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        echo_findings(result.findings)
        click.echo("检查通过" if result.ok else "检查未通过", err=True)
    ctx.exit(0 if result.ok else EXIT_FINDINGS)


@main.command()
@click.argument("kind", type=KIND_NAMES)
@click.argument("case")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="输出文件（.docx 或 .pdf）")
@click.option("--draft", is_flag=True, help="PDF 每页加“草稿”水印")
@click.pass_context
def render(ctx: click.Context, kind: str, case: str, output: str, draft: bool) -> None:
    """生成文书（.docx 或 .pdf）。有错误时不生成文件并以退出码 1 结束。"""
    target = _output_path(output)
    render_to(ctx, kind, read_case(case), target, draft)


def _output_path(output: str) -> Path:
    target = Path(output)
    if target.suffix.lower() not in (".docx", ".pdf"):
        raise UsageProblem(f"不支持的输出格式“{target.suffix or '（无扩展名）'}”，请使用 .docx 或 .pdf")
    if not target.parent.is_dir():
        raise UsageProblem(f"输出目录不存在：{target.parent}")
    return target


def render_to(ctx: click.Context, kind: str, data: Any, target: Path, draft: bool) -> None:
    """Render ``data`` as ``kind`` into ``target`` (.docx or .pdf by extension), atomically."""
    fmt = target.suffix.lower().lstrip(".")
    profile = _profile(ctx)
    try:
        if fmt == "pdf":
            with ConverterPool(_settings(ctx).pool_settings(workers=1)) as pool:
                document = service.render(kind, data, profile, fmt="pdf", converter=pool, draft=draft)
        else:
            document = service.render(kind, data, profile)
    except InvalidCase as exc:
        echo_findings(exc.findings)
        click.echo(f"未生成文书：{exc.message}", err=True)
        ctx.exit(EXIT_FINDINGS)
    except (ConverterUnavailable, ConversionTimeout, ConversionFailed) as exc:
        raise ConversionProblem(exc.message) from exc
    except DocgenError as exc:
        raise UsageProblem(exc.message) from exc
    echo_findings(document.findings)
    try:
        write_atomically(target, document.content)
    except OSError as exc:
        raise UsageProblem(f"无法写入 {target}：{exc.strerror or exc}") from exc
    click.echo(f"已生成 {target}", err=True)


def read_file_arg(path: str, what: str) -> tuple[str, bytes]:
    """(file name, content) of an input file, or a usage problem naming ``what`` it should be."""
    try:
        return Path(path).name, Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise UsageProblem(f"找不到{what}：{path}") from exc
    except IsADirectoryError as exc:
        raise UsageProblem(f"{path} 是目录，请给出{what}") from exc
    except OSError as exc:
        raise UsageProblem(f"无法读取{what} {path}：{exc.strerror or exc}") from exc


def read_ledger_arg(path: str) -> tuple[str, bytes]:
    return read_file_arg(path, "台账文件")


@main.command()
@click.argument("ledger")
@click.option("--unit", required=True, help="单位名称")
@click.option("--year", required=True, type=click.IntRange(2000, 2100), help="年度")
@click.option("--sections", "sections_file", help="正文各部分（JSON 文件：[{key, title, text}, …]）")
@click.option("--self-reference", default="我单位", show_default=True, help="正文中的自称，如“我局”")
@click.option("--issued-on", help="成文日期 YYYY-MM-DD（默认当天）")
@click.option("-o", "--output", required=True, help="输出文件（.docx 或 .pdf）")
@click.option("--draft", is_flag=True, help="PDF 每页加“草稿”水印")
@click.pass_context
def summary(ctx: click.Context, ledger: str, unit: str, year: int, sections_file: str | None,
            self_reference: str, issued_on: str | None, output: str, draft: bool) -> None:
    """根据台账（.xlsx/.csv/.json）生成年度办理工作总结。"""
    target = _output_path(output)
    data: dict[str, Any] = {"unit": unit, "year": year, "self_reference": self_reference,
                            "sections": read_case(sections_file) if sections_file else []}
    if issued_on:
        data["issued_on"] = issued_on
    try:
        data = get_kind("annual-summary").attach(data, "ledger", *read_ledger_arg(ledger))
    except CaseRejected as exc:
        echo_findings(exc.findings)
        ctx.exit(EXIT_FINDINGS)
    render_to(ctx, "annual-summary", data, target, draft)


@main.command()
@click.argument("ledger")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@click.pass_context
def stats(ctx: click.Context, ledger: str, as_json: bool) -> None:
    """统计台账：办结率、按时办结率、面商率、满意率、公开率等。"""
    report = service.ledger_report(read_ledger_arg(ledger), _profile(ctx), _settings(ctx).intake_limits())
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        echo_findings(report.findings)
        if report.figures is not None:
            click.echo(f"统计范围\t{report.coverage()}")
            f = report.figures
            click.echo(f"承办总数\t{f.total}件（建议{f.by_source['建议']}件，提案{f.by_source['提案']}件）")
            click.echo(f"主办/会办\t{f.main}件 / {f.co}件；重点件{f.key_items}件")
            click.echo("办理结果\t" + "，".join(f"{k}类{v}件（{f.class_share[k].text}）" for k, v in f.by_class.items()))
            for label, ratio in (("办结率", f.completion), ("按时办结率", f.on_time), ("面商率", f.face_to_face),
                                 ("办理态度满意率", f.attitude), ("办理结果满意率", f.result), ("公开率", f.published)):
                click.echo(f"{label}\t{ratio.text}（{ratio.numerator}/{ratio.denominator}）")
            click.echo("类别\t" + "，".join(f"{t}{n}件" for t, n in f.by_topic))
    ctx.exit(0 if report.ok else EXIT_FINDINGS)


@main.command()
@click.argument("items")
@click.option("--office", help="交办单位，如“江州市人民政府办公室”（表格输入时必填）")
@click.option("--level", help="层级，如 市、区、县（表格输入时必填）")
@click.option("--year", type=click.IntRange(2000, 2100), help="年度（表格输入时必填）")
@click.option("--meeting-on", help="交办会日期 YYYY-MM-DD（表格输入时必填）")
@click.option("-o", "--output", required=True, help="交办清单（.docx 或 .pdf）")
@click.option("--notices", type=click.Path(dir_okay=False), help="另将各单位的交办单打包为 .zip")
@click.pass_context
def assignment(ctx: click.Context, items: str, office: str | None, level: str | None, year: int | None,
               meeting_on: str | None, output: str, notices: str | None) -> None:
    """生成交办清单：交办件表格（.xlsx/.csv，或整份 .json 案件）→ 按主办单位列出的清单，及各单位交办单。"""
    target = _output_path(output)
    if notices and Path(notices).suffix.lower() != ".zip":
        raise UsageProblem(f"交办单请输出为 .zip（收到“{notices}”）")
    given = {"office": office, "level": level, "year": year, "meeting_on": meeting_on}
    if Path(items).suffix.lower() == ".json":
        case = read_case(items)
        if not isinstance(case, dict):
            raise UsageProblem(f"{items} 应为交办清单的 JSON 对象（含 items 列表）")
        data = {**case, **{k: v for k, v in given.items() if v is not None}}
    else:
        missing = [f"--{k.replace('_', '-')}" for k, v in given.items() if v is None]
        if missing:
            raise UsageProblem(f"表格输入须同时给出 {'、'.join(missing)}")
        try:
            data = get_kind("assignment-list").attach(given, "items", *read_file_arg(items, "交办件表格"))
        except CaseRejected as exc:
            echo_findings(exc.findings)
            click.echo("未生成文书：交办件表格有误", err=True)
            ctx.exit(EXIT_FINDINGS)
    render_to(ctx, "assignment-list", data, target, draft=False)
    if notices:
        result = service.assignment_notices(data, _profile(ctx))
        write_atomically(Path(notices), result.content)
        click.echo(f"已生成 {notices}：{result.rendered} 个单位的交办单", err=True)


@main.command()
@click.option("--items", "items_file", required=True, help="今年的交办件表格（.xlsx/.csv，与交办清单相同）")
@click.option("--ledger", "ledger_file", required=True, help="去年的办理台账（.xlsx/.csv/.json，与年度总结相同）")
@click.option("--case", "case_file", help="其余内容（JSON：level、year、speaker、delivered_on、review、requirements……）")
@click.option("--level", help="层级，如 市、区、县")
@click.option("--year", type=click.IntRange(2001, 2100), help="今年的年度")
@click.option("--speaker", help="讲话人，如“副市长 李明”")
@click.option("--delivered-on", help="讲话日期 YYYY-MM-DD")
@click.option("-o", "--output", required=True, help="输出文件（.docx 或 .pdf）")
@click.pass_context
def speech(ctx: click.Context, items_file: str, ledger_file: str, case_file: str | None, level: str | None,
           year: int | None, speaker: str | None, delivered_on: str | None, output: str) -> None:
    """生成交办会讲话稿：今年交办件表格 + 去年台账 → 讲话稿初稿（数据自动写入，供修改）。"""
    target = _output_path(output)
    data = read_case(case_file) if case_file else {}
    if not isinstance(data, dict):
        raise UsageProblem("--case 应为 JSON 对象")
    given = {"level": level, "year": year, "speaker": speaker, "delivered_on": delivered_on}
    data = {**data, **{k: v for k, v in given.items() if v is not None}}
    kind = get_kind("assignment-speech")
    try:
        data = kind.attach(data, "items", *read_file_arg(items_file, "交办件表格"))
        data = kind.attach(data, "ledger", *read_ledger_arg(ledger_file))
    except CaseRejected as exc:
        echo_findings(exc.findings)
        click.echo("未生成文书：表格有误", err=True)
        ctx.exit(EXIT_FINDINGS)
    render_to(ctx, "assignment-speech", data, target, draft=False)


def _as_of(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return parse_date(text)
    except DateTextError as exc:
        raise UsageProblem(f"--as-of：{exc}") from exc


@main.command()
@click.argument("letters", nargs=-1, required=True)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="输出的台账（.xlsx）")
@click.option("--as-of", help="剩余天数和状态计算到的日期（默认当天），如 2025-09-01")
@click.pass_context
def commitments(ctx: click.Context, letters: tuple[str, ...], output: str, as_of: str | None) -> None:
    """生成承诺事项台账：答复函（.json 单件或列表，或批量表格 .xlsx/.csv）中的每项承诺一行。"""
    target = Path(output)
    if target.suffix.lower() != ".xlsx":
        raise UsageProblem(f"承诺事项台账请输出为 .xlsx（收到“{output}”）")
    if not target.parent.is_dir():
        raise UsageProblem(f"输出目录不存在：{target.parent}")
    files = [read_file_arg(path, "答复函文件") for path in letters]
    try:
        ledger = service.commitments_ledger(files, _as_of(as_of), _profile(ctx))
    except InputRejected as exc:
        echo_findings(list(exc.findings))
        click.echo(f"未生成台账：{exc.title}", err=True)
        ctx.exit(EXIT_FINDINGS if exc.code == "invalid_letters" else EXIT_USAGE)
    write_atomically(target, ledger.content)
    click.echo(f"已生成 {target}", err=True)


@main.command("commitments-check")
@click.argument("ledger")
@click.option("--as-of", help="按哪一天判断逾期（默认当天），如 2025-09-01")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@click.pass_context
def commitments_check(ctx: click.Context, ledger: str, as_of: str | None, as_json: bool) -> None:
    """读回承诺事项台账，列出已逾期仍未办结的承诺（退出码：0 已读取，1 有单元格错误，2 无法读取）。"""
    try:
        review = service.review_commitments(*read_file_arg(ledger, "承诺事项台账"), _as_of(as_of))
    except InputRejected as exc:
        raise UsageProblem("\n".join(f.message for f in exc.findings) or exc.message) from exc
    if as_json:
        click.echo(json.dumps(review.to_dict(), ensure_ascii=False, indent=2))
    else:
        echo_findings(review.findings)
        counts = "，".join(f"{status}{n}项" for status, n in review.by_status.items())
        click.echo(f"共{review.total}项承诺：{counts}；逾期未办结{len(review.overdue)}项", err=True)
    ctx.exit(0 if review.ok else EXIT_FINDINGS)


@main.command("batch")
@click.argument("kind", type=KIND_NAMES)
@click.argument("cases")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="输出文件：.zip（每件一个文书，附 报告.json）或 .pdf（合并为一个 PDF）")
@click.option("--format", "document_format", type=click.Choice(["docx", "pdf"]), default="docx", show_default=True,
              help=".zip 中文书的格式")
@click.option("--strict", is_flag=True, help="任何一件有错误即整批不生成")
@click.option("--draft", is_flag=True, help="PDF 每页加“草稿”水印")
@click.pass_context
def batch_command(ctx: click.Context, kind: str, cases: str, output: str, document_format: str,
                  strict: bool, draft: bool) -> None:
    """批量生成文书：案件列表（.json；答复函也可用 .xlsx/.csv，每行一件）→ .zip 或合并的 .pdf。

    \b
    退出码：0 全部生成；
            1 有案件未通过检查（其余照常生成；--strict 时整批不生成）；
            2 用法有误或输入无法读取；
            3 PDF 转换不可用；
            4 生成文书的子进程意外退出，未生成任何文件。

    .zip 中的 Word 文书在本机所有可用的 CPU 核上并行生成。
    """
    from . import batch as batches

    target = Path(output)
    if target.suffix.lower() not in (".zip", ".pdf"):
        raise UsageProblem(f"不支持的输出格式“{target.suffix or '（无扩展名）'}”，批量输出请使用 .zip 或 .pdf")
    if not target.parent.is_dir():
        raise UsageProblem(f"输出目录不存在：{target.parent}")
    out_kind: batches.Output = "pdf" if target.suffix.lower() == ".pdf" else "zip"
    profile = _profile(ctx)
    try:
        if cases == "-":
            loaded = batches.LoadedCases(batches.cases_from_json("标准输入", click.get_binary_stream("stdin").read()))
        else:
            loaded = batches.load_cases(kind, Path(cases).name, _read_cases_file(cases), _settings(ctx).intake_limits())
    except batches.BatchBadValues as exc:
        echo_findings(exc.findings)
        click.echo(f"未生成任何文件：{cases} 中有 {len(exc.findings)} 处单元格有误", err=True)
        ctx.exit(EXIT_FINDINGS)
    except batches.BatchInputError as exc:
        raise UsageProblem("\n".join(f.message for f in exc.findings) or exc.message) from exc
    except DocgenError as exc:
        raise UsageProblem(exc.message) from exc

    needs_pdf = out_kind == "pdf" or document_format == "pdf"
    pool = ConverterPool(_settings(ctx).pool_settings()) if needs_pdf else None
    bar: Any = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label="生成文书", show_pos=True, show_percent=True,
                                    file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        result = batches.run_batch(
            kind, loaded.cases, output=out_kind, document_format=document_format,  # type: ignore[arg-type]
            strict=strict, profile=profile, converter=pool, draft=draft, origins=loaded.origins or None,
            progress=progress, workers=batches.usable_cores(),
        )
    except batches.BatchInvalid as exc:
        _echo_batch_findings(exc.report)
        click.echo(f"未生成任何文件：{exc.message}", err=True)
        ctx.exit(EXIT_FINDINGS)
    except (ConverterUnavailable, ConversionTimeout, ConversionFailed) as exc:
        raise ConversionProblem(exc.message) from exc
    except batches.WorkerLost as exc:
        click.echo(f"docgen：{exc.message}", err=True)
        ctx.exit(EXIT_WORKER_LOST)
    except DocgenError as exc:
        raise UsageProblem(exc.message) from exc
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
        if pool is not None:
            pool.stop()
    _echo_batch_findings(result.report)
    try:
        write_atomically(target, result.content)
    except OSError as exc:
        raise UsageProblem(f"无法写入 {target}：{exc.strerror or exc}") from exc
    where = "，见其中的 报告.json" if out_kind == "zip" else ""
    click.echo(f"已生成 {target}：{result.rendered} 件文书" + (f"；{result.invalid} 件未通过检查，未生成{where}" if result.invalid else ""), err=True)
    ctx.exit(0 if result.invalid == 0 else EXIT_FINDINGS)


def _read_cases_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise UsageProblem(f"找不到案件文件：{path}") from exc
    except IsADirectoryError as exc:
        raise UsageProblem(f"案件文件应为 .json、.xlsx 或 .csv 文件，{path} 是目录") from exc
    except OSError as exc:
        raise UsageProblem(f"无法读取案件文件 {path}：{exc.strerror or exc}") from exc


def _echo_batch_findings(report: list[dict[str, Any]]) -> None:
    """Each case with findings: who it is, whether it was rendered, then its findings."""
    from .batch import case_name

    for entry in report:
        if not entry["findings"]:
            continue
        state = "已生成" if entry["ok"] else "未通过检查，未生成"
        click.echo(f"{case_name(entry)}{state}：", err=True)
        for f in entry["findings"]:
            label = SEVERITY_LABEL[Severity(f["severity"])]
            click.echo(f"  {label} [{f['code']}] {f['message']}", err=True)


def _credentials(ctx: click.Context) -> CredentialStore:
    from .credentials import CredentialStore

    return CredentialStore(_settings(ctx).data_dir)


def _when(stamp: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(stamp)) if stamp else ""


@main.group()
def tokens() -> None:
    """管理接口令牌（供办公自动化等系统调用 /api/v1）。存在任一令牌或账号时，接口须凭令牌或登录访问。"""


@tokens.command("create")
@click.option("--name", required=True, help="令牌名称，如“OA系统”；日志中以此名称记录调用方")
@click.pass_context
def tokens_create(ctx: click.Context, name: str) -> None:
    """签发令牌。令牌只显示这一次，请妥善交给调用方；服务只保存其摘要。"""
    try:
        token, clear = _credentials(ctx).create_token(name)
    except DocgenError as exc:
        raise UsageProblem(exc.message) from exc
    click.echo(clear)
    click.echo(f"已签发令牌“{token.name}”（编号 {token.id}）。调用时加请求头 Authorization: Bearer <令牌>", err=True)


@tokens.command("list")
@click.pass_context
def tokens_list(ctx: click.Context) -> None:
    """列出令牌（编号、名称、签发时间、是否已吊销），不显示令牌本身。"""
    for token in _credentials(ctx).tokens():
        state = f"已吊销 {_when(token.revoked)}" if token.revoked else "有效"
        click.echo(f"{token.id}\t{token.name}\t{_when(token.created)}\t{state}")


@tokens.command("revoke")
@click.argument("token")
@click.pass_context
def tokens_revoke(ctx: click.Context, token: str) -> None:
    """吊销令牌（按编号，或按名称吊销同名的全部令牌）；立即生效。"""
    try:
        revoked = _credentials(ctx).revoke_token(token)
    except DocgenError as exc:
        raise UsageProblem(exc.message) from exc
    for item in revoked:
        click.echo(f"已吊销令牌“{item.name}”（编号 {item.id}）", err=True)


@main.group()
def users() -> None:
    """管理网页登录账号（经办人员）。存在任一账号或令牌时，网页须登录使用。"""


def _password_option(command: Any) -> Any:
    return click.option("--password-stdin", is_flag=True, help="从标准输入读取密码（供脚本使用）")(command)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("密码", hide_input=True, confirmation_prompt="再次输入密码", err=True)


@users.command("create")
@click.argument("name")
@_password_option
@click.pass_context
def users_create(ctx: click.Context, name: str, password_stdin: bool) -> None:
    """新建账号 NAME（密码以 scrypt 摘要保存）。"""
    try:
        _credentials(ctx).create_user(name, _read_password(password_stdin))
    except DocgenError as exc:
        raise UsageProblem(exc.message) from exc
    click.echo(f"已新建账号“{name}”", err=True)


@users.command("password")
@click.argument("name")
@_password_option
@click.pass_context
def users_password(ctx: click.Context, name: str, password_stdin: bool) -> None:
    """修改账号 NAME 的密码。"""
    try:
        _credentials(ctx).set_password(name, _read_password(password_stdin))
    except DocgenError as exc:
        raise UsageProblem(exc.message) from exc
    click.echo(f"已修改账号“{name}”的密码", err=True)


@users.command("list")
@click.pass_context
def users_list(ctx: click.Context) -> None:
    """列出账号。"""
    for name, created in _credentials(ctx).users():
        click.echo(f"{name}\t{_when(created)}")


@users.command("delete")
@click.argument("name")
@click.pass_context
def users_delete(ctx: click.Context, name: str) -> None:
    """删除账号 NAME；其登录随即失效。"""
    try:
        _credentials(ctx).delete_user(name)
    except DocgenError as exc:
        raise UsageProblem(exc.message) from exc
    click.echo(f"已删除账号“{name}”", err=True)


def _setting_flags(command: Any) -> Any:
    """One flag per setting (``--pdf-timeout`` for ``pdf_timeout``); unset flags leave the value
    to the settings file, the environment and the default."""
    for name, field in reversed(Settings.model_fields.items()):
        flag = f"--{name.replace('_', '-')}"
        if field.annotation is bool:
            option = click.option(flag, name, is_flag=True, default=None, help=field.title)
        elif name == "cors_origins":
            option = click.option(flag, name, multiple=True, help=f"{field.title}；可多次给出（默认无）")
        else:
            kind = field.annotation if field.annotation in (int, float) else str
            default = field.get_default(call_default_factory=True)
            option = click.option(flag, name, type=kind, default=None, help=f"{field.title}（默认 {default}）")
        command = option(command)
    return command


def _log_requests() -> None:
    """The request log (one JSON line per request, ``docgen.requests``) goes to standard error."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    requests_log = logging.getLogger("docgen.requests")
    requests_log.addHandler(handler)
    requests_log.setLevel(logging.INFO)
    requests_log.propagate = False


@main.command()
@_setting_flags
@click.pass_context
def serve(ctx: click.Context, **flags: Any) -> None:
    """启动 HTTP 服务及其 PDF 转换进程池：由 gunicorn 在同一端口上运行 processes 个服务进程（默认 1 个），
    各有自己的转换进程池。收到 SIGTERM 或 Ctrl-C（SIGINT）后不再接受新请求，等待进行中的请求
    （至多 shutdown-grace 秒），再停止转换进程并退出。"""
    from .server import serve as run

    settings = _settings(ctx, **flags)
    allocator.hold_down()  # before any thread starts (a forked web process trims on its own)
    _log_requests()
    try:
        run(settings, _profile(ctx))
    except DocgenError as exc:  # an open public address, a port in use, a data_dir that cannot be used
        raise UsageProblem(exc.message) from exc


@main.command()
@_setting_flags
@click.pass_context
def worker(ctx: click.Context, **flags: Any) -> None:
    """启动分布式批量任务的工作进程（Celery，经 Redis 取任务），带自己的 PDF 转换进程池。
    与 API 节点使用同一 broker-url 与 data-dir（各节点都能访问的路径）。"""
    from .jobs import distributed
    from .web.batch import error_body

    settings = _settings(ctx, **flags)
    try:
        app = distributed.make_celery(settings, _profile(ctx), error_body)
    except DocgenError as exc:
        raise UsageProblem(exc.message) from exc
    click.echo(f"docgen 工作进程已启动：队列 {settings.broker_url}，数据目录 {settings.data_dir}", err=True)
    try:
        app.worker_main(distributed.worker_arguments(settings))
    finally:
        app.docgen_converter.stop()


if __name__ == "__main__":
    main()
