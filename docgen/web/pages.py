"""The web face for clerks: fill a form, check it, download Word or PDF — in Simplified Chinese.

Every page works as plain HTML forms; docgen.js enhances them (client-side list editing,
checking without reloading, progress for batches) where JavaScript runs.
"""

from __future__ import annotations

import base64
import json
import subprocess
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request

from .. import service
from ..batch.cases import tabular_kinds
from ..converter import missing_requirements
from ..errors import CaseRejected, DocgenError, InvalidCase
from ..findings import Finding, error
from ..kinds import all_kinds, get_kind
from .api import content_disposition
from .forms import SchemaForm, dotted

bp = Blueprint("pages", __name__)

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
# kinds whose input is a spreadsheet, with their own page
FILE_KINDS = {"annual-summary": "pages.summary", "assignment-speech": "yearly.speech"}


def samples_of(kind: str) -> list[str]:
    return sorted(p.stem for p in (SAMPLES / kind).glob("*.json"))


@cache
def sample_labels(kind: str) -> list[tuple[str, str]]:
    """(file stem, what a clerk reads: the document's title) for each sample of ``kind``."""
    found = get_kind(kind)
    labels = []
    for stem in samples_of(kind):
        try:
            label = found.filename(found.parse(load_sample(kind, stem)))
        except Exception:  # noqa: BLE001 - a sample that does not parse is still offered by name
            label = stem
        labels.append((stem, label))
    return labels


def load_sample(kind: str, name: str) -> dict[str, Any]:
    if name not in samples_of(kind):
        abort(404)
    return json.loads((SAMPLES / kind / f"{name}.json").read_text("utf-8"))


@cache
def pdf_available() -> bool:
    return missing_requirements() is None


def schema_form(kind) -> SchemaForm:
    return SchemaForm(kind.json_schema(), kind.form_choices(current_app.config["PROFILE"]))


def described(findings: list[Finding], form: SchemaForm | None = None) -> list[dict[str, str]]:
    """Findings as a clerk reads them: ``where`` is the field's label and position on the form,
    ``reason`` the message without its leading path; the code stays for small print."""
    out = []
    for f in findings:
        reason = f.message.removeprefix(f"{f.path}：")
        out.append({**f.to_dict(), "where": form.where(f.path) if form else "", "reason": reason})
    return out


def findings_by_path(findings: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    grouped: dict[str, list[dict[str, str]]] = {}
    for f in findings:
        grouped.setdefault(dotted(f["path"]), []).append(f)
    return grouped


# --- pages ------------------------------------------------------------------------------


@bp.get("/")
def home() -> str:
    return render_template("home.html", kinds=all_kinds(), file_kinds=FILE_KINDS)


@bp.get("/kinds/<kind>")
def kind_form(kind: str) -> Any:
    found = get_kind(kind)
    if kind in FILE_KINDS:
        return current_app.redirect(current_app.url_for(FILE_KINDS[kind]))
    sample = request.args.get("sample")
    values = load_sample(kind, sample) if sample else {}
    return _form_page(found, values, [], sample=sample, fresh=True)


@bp.post("/kinds/<kind>")
def kind_submit(kind: str) -> Any:
    found = get_kind(kind)
    form = schema_form(found)
    data = form.parse(request.form)
    action = request.form.get("_action", "check")
    profile = current_app.config["PROFILE"]
    if action.startswith(("add:", "remove:")):
        return _form_page(found, _edit_list(data, action), [])
    if action in ("docx", "pdf"):
        try:
            document = service.render(kind, data, profile, fmt=action, converter=current_app.config["CONVERTER"])
        except InvalidCase as exc:
            return _form_page(found, data, exc.findings), 422
        response = Response(document.content, mimetype=document.media_type)
        response.headers["Content-Disposition"] = content_disposition(document.filename, f"{kind}.{action}")
        return response
    if action == "preview":
        return preview_response(kind, data)
    result = service.check(kind, data, profile)
    return _form_page(found, data, result.findings, checked=True)


@bp.post("/kinds/<kind>/check.json")
def kind_check_json(kind: str) -> Response:
    """The "检查" button with JavaScript: the same parsing as a plain submit, findings as JSON."""
    form = schema_form(get_kind(kind))
    result = service.check(kind, form.parse(request.form), current_app.config["PROFILE"])
    return jsonify({**result.to_dict(), "findings": described(result.findings, form),
                    "paths": {f.path: dotted(f.path) for f in result.findings}})


def preview_response(kind: str, data: Any) -> Response:
    """Page 1 of the PDF as a PNG picture."""
    try:
        document = service.render(kind, data, current_app.config["PROFILE"], fmt="pdf",
                                  converter=current_app.config["CONVERTER"])
    except InvalidCase as exc:
        form = schema_form(get_kind(kind))
        return jsonify({"ok": False, "findings": described(exc.findings, form)}), 422  # type: ignore[return-value]
    with tempfile.TemporaryDirectory() as work:
        pdf = Path(work) / "doc.pdf"
        pdf.write_bytes(document.content)
        subprocess.run(["pdftoppm", "-r", "70", "-f", "1", "-l", "1", "-png", "-singlefile", str(pdf), str(Path(work) / "page")],
                       check=True, timeout=60)
        return Response((Path(work) / "page.png").read_bytes(), mimetype="image/png")


@bp.post("/kinds/<kind>/preview")
def kind_preview(kind: str) -> Response:
    found = get_kind(kind)
    return preview_response(kind, schema_form(found).parse(request.form))


def _edit_list(data: dict[str, Any], action: str) -> dict[str, Any]:
    """Plain-HTML list editing: ``add:points.0.measures`` appends an item, ``remove:points.1`` drops one."""
    verb, path = action.split(":", 1)
    parts = path.split(".")
    node: Any = data
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
    last = parts[-1]
    if verb == "add":
        target = node.setdefault(last, []) if isinstance(node, dict) else node[int(last)]
        if isinstance(target, list):
            target.append(None)  # an empty item of whatever the list holds
    elif isinstance(node, list) and last.isdigit() and int(last) < len(node):
        node.pop(int(last))
    return data


def _form_page(kind, values: dict[str, Any], findings: list[Finding], *, sample: str | None = None,
               checked: bool = False, fresh: bool = False) -> str:
    """The form page; ``fresh`` (a plain GET) lets the browser restore the clerk's saved draft."""
    form = schema_form(kind)
    shown = described(findings, form)
    return render_template(
        "kind.html",
        kind=kind,
        fields=form.fields(values),
        findings=shown,
        by_path=findings_by_path(shown),
        fresh=fresh,
        errors=sum(1 for f in shown if f["severity"] == "error"),
        warnings=sum(1 for f in shown if f["severity"] == "warning"),
        checked=checked,
        samples=sample_labels(kind.name),
        sample=sample,
        pdf_available=pdf_available(),
    )


# --- the annual summary: upload the ledger, see the figures, write the sections -------------


def _default_sections() -> list[dict[str, str]]:
    """The narrative parts the locality profile names, to be written or renamed."""
    parts = current_app.config["PROFILE"].summary.sections
    return [{"key": key, "title": part.title, "text": ""} for key, part in parts]


@bp.route("/summary", methods=["GET", "POST"])
def summary() -> Any:
    """Upload the ledger (统计台账), see its figures, write the sections, download the summary.

    The rows read from an upload travel in ``ledger_json`` between submits, every field of a
    ledger row kept, so that the page, ``docgen stats`` and the document give the same figures."""
    profile = current_app.config["PROFILE"]
    form = request.form
    values = {
        "unit": form.get("unit", ""),
        "year": form.get("year", ""),
        "self_reference": form.get("self_reference", "") or "我单位",
        "issued_on": form.get("issued_on", ""),
    }
    sections = _sections_from_form(form) if request.method == "POST" else _default_sections()
    ledger_json = form.get("ledger_json", "")
    findings: list[Finding] = []
    report = None
    upload = request.files.get("ledger")
    source: Any = None
    if upload is not None and upload.filename:
        source = (upload.filename, upload.read())
    elif ledger_json:
        source = _ledger_rows(ledger_json)
        if source is None:
            findings = [error("ledger.unreadable", "ledger", "台账：页面中保存的台账数据无法读取，请重新上传台账文件")]
            ledger_json = ""
    if source is not None:
        report = service.ledger_report(source, profile, current_app.config["SETTINGS"].intake_limits())
        findings = report.findings
        if report.figures is not None and isinstance(source, tuple):  # keep the uploaded rows for the next submit
            ledger_json = json.dumps([r.model_dump(mode="json", exclude_defaults=True) for r in report.rows],
                                     ensure_ascii=False)
    action = form.get("_action", "")
    if action.startswith(("add", "remove")):
        if action == "add-section":
            sections.append({"key": "", "title": "", "text": ""})
        elif action.startswith("remove:"):
            index = action.split(":", 1)[1]
            if index.isdigit() and int(index) < len(sections) and not sections[int(index)].get("key"):
                sections.pop(int(index))
    elif action in ("docx", "pdf") and ledger_json:
        case = {**{k: v for k, v in values.items() if v}, "ledger": _ledger_rows(ledger_json) or [],
                "sections": [{k: v for k, v in s.items() if v or k == "text"} for s in sections]}
        try:
            document = service.render("annual-summary", case, profile, fmt=action, converter=current_app.config["CONVERTER"])
        except (InvalidCase, CaseRejected) as exc:
            findings = exc.findings  # the ledger's own findings are among them: each is listed once
        except DocgenError as exc:
            findings = [error(exc.code, "", exc.message)]
        else:
            response = Response(document.content, mimetype=document.media_type)
            response.headers["Content-Disposition"] = content_disposition(document.filename, f"annual-summary.{action}")
            return response
    chart = None
    if report is not None and report.figures is not None:
        png = report.chart()
        chart = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    shown = described(findings)
    status = 422 if any(f.severity.value == "error" for f in findings) and action in ("docx", "pdf") else 200
    return render_template(
        "summary.html", values=values, sections=sections, ledger_json=ledger_json, report=report,
        figures=report.figures if report else None, chart=chart, pdf_available=pdf_available(), classes=profile.classes,
        ledger_findings=[f for f in shown if f["path"].startswith("ledger") or f["code"].startswith("ledger.")],
        form_findings=[f for f in shown if not f["path"].startswith(("ledger", "sections")) and not f["code"].startswith("ledger.")],
        by_path=findings_by_path(shown),
    ), status


def _ledger_rows(text: str) -> list[Any] | None:
    """The ledger rows the page keeps in a hidden field; None when they are not a JSON list."""
    try:
        rows = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return rows if isinstance(rows, list) else None


def _sections_from_form(form) -> list[dict[str, str]]:
    sections = []
    index = 0
    while f"sections.{index}.title" in form:
        sections.append({
            "key": form.get(f"sections.{index}.key", ""),
            "title": form.get(f"sections.{index}.title", ""),
            "text": form.get(f"sections.{index}.text", ""),
        })
        index += 1
    return sections or _default_sections()


# --- batches ---------------------------------------------------------------------------------


@bp.get("/batch")
def batch_page() -> str:
    """Kinds a spreadsheet can carry are offered with one; the others take case data files only."""
    kinds = [k for k in all_kinds() if k.name not in FILE_KINDS]
    tabular = {k.name for k in tabular_kinds()}
    return render_template("batch.html", kinds=kinds, tabular=tabular, pdf_available=pdf_available(),
                           tabular_titles="、".join(k.title for k in kinds if k.name in tabular))


@bp.get("/samples/<path:name>")
def sample_file(name: str) -> Response:
    """Sample spreadsheets and cases offered for download on the pages."""
    path = (SAMPLES / name).resolve()
    if SAMPLES.resolve() not in path.parents or not path.is_file():
        abort(404)
    response = Response(path.read_bytes(), mimetype="application/octet-stream")
    response.headers["Content-Disposition"] = content_disposition(path.name, "sample" + path.suffix)
    return response

