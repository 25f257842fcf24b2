"""The command line face: ``docgen render | validate | kinds | schema | serve``.

Exit codes: 0 success (warnings allowed), 1 the case has findings of severity error,
2 bad usage or unreadable input, 3 PDF conversion unavailable or failed.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import click

from . import service
from .converter import ConversionFailed, ConversionTimeout, ConverterPool, ConverterUnavailable, PoolSettings
from .errors import DocgenError, InvalidCase
from .findings import Finding, Severity
from .kinds import all_kinds, get_kind
from .profile import Profile, load_profile

EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_CONVERSION = 3

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
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageProblem(f"{name} 不是有效的 JSON：第{exc.lineno}行第{exc.colno}列，{exc.msg}") from exc
    except RecursionError as exc:
        raise UsageProblem(f"{name} 的 JSON 嵌套过深") from exc
    except ValueError as exc:  # e.g. an integer literal longer than Python converts (4300 digits)
        raise UsageProblem(f"{name} 中有无法处理的数值：{str(exc)[:100]}") from exc


def echo_findings(findings: list[Finding]) -> None:
    for f in findings:
        click.echo(f"{SEVERITY_LABEL[f.severity]} [{f.code}] {f.message}", err=True)


def write_atomically(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` through a temporary file, so no half-written file is left."""
    directory = path.parent if str(path.parent) else Path(".")
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(content)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", type=click.Path(dir_okay=False), envvar="DOCGEN_CONFIG", help="地方配置文件（TOML），覆盖内置默认值")
@click.version_option(package_name="docgen")
@click.pass_context
def main(ctx: click.Context, config: str | None) -> None:
    """docgen：人大代表建议、政协委员提案办理文书生成工具。"""
    ctx.ensure_object(dict)
    ctx.obj["config"] = config


KIND_NAMES = click.Choice([k.name for k in all_kinds()])


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
    target = Path(output)
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in ("docx", "pdf"):
        raise UsageProblem(f"不支持的输出格式“{target.suffix or '（无扩展名）'}”，请使用 .docx 或 .pdf")
    if not target.parent.is_dir():
        raise UsageProblem(f"输出目录不存在：{target.parent}")
    profile = _profile(ctx)
    data = read_case(case)
    try:
        if fmt == "pdf":
            with ConverterPool(PoolSettings(workers=1)) as pool:
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


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="端口")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64), help="工作线程数")
@click.option("--workers", default=os.cpu_count() or 2, show_default=True, type=click.IntRange(1, 32),
              envvar="DOCGEN_PDF_WORKERS", help="LibreOffice 转换进程数")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, threads: int, workers: int) -> None:
    """启动 HTTP 服务（waitress），并启动 PDF 转换进程池。"""
    from waitress import serve as waitress_serve

    from .web import create_app

    pool = ConverterPool(PoolSettings(workers=workers))
    try:
        pool.start()
        click.echo(f"PDF 转换进程池已启动（{workers} 个 LibreOffice 进程）", err=True)
    except ConverterUnavailable as exc:
        click.echo(f"docgen：{exc.message}。Word 文书照常生成，PDF 请求将返回 503。", err=True)
    app = create_app({"PROFILE": _profile(ctx), "CONVERTER": pool})
    click.echo(f"docgen 服务已启动：http://{host}:{port}/  （API 说明：/openapi.json）", err=True)
    try:
        waitress_serve(app, host=host, port=port, threads=threads, ident="docgen")
    finally:
        pool.stop()


if __name__ == "__main__":
    main()
