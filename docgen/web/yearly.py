"""The clerks' pages for the year's lists: the assignment list (交办清单) from the items
spreadsheet, with each unit's 交办单; the speech draft (交办会讲话稿) from this year's items and
last year's ledger; the commitments ledger (承诺事项台账) from the reply
letters, and its read-back. Thin over :mod:`docgen.service` like the other pages."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, render_template, request

from .. import service
from ..errors import DocgenError, InputRejected, InvalidCase
from ..findings import Finding, error
from ..formatting import DateTextError, parse_date
from ..kinds import get_kind
from .disposition import content_disposition
from .pages import described, pdf_available

bp = Blueprint("yearly", __name__)

ASSIGNMENT_FIELDS = ("office", "level", "year", "meeting_on")


def _download(content: bytes, media_type: str, filename: str, fallback: str) -> Response:
    response = Response(content, mimetype=media_type)
    response.headers["Content-Disposition"] = content_disposition(filename, fallback)
    return response


@bp.route("/assignment", methods=["GET", "POST"])
def assignment() -> Any:
    """Upload the year's items with the meeting's facts; download the list or the units' 交办单."""
    values = {name: request.form.get(name, "").strip() for name in ASSIGNMENT_FIELDS}
    findings: list[Finding] = []
    if request.method == "POST":
        action = request.form.get("_action", "docx")
        upload = request.files.get("items")
        if upload is None or not upload.filename:
            findings = [error("items.missing_file", "items", "items：请上传交办件表格（.xlsx 或 .csv）")]
        else:
            data = {k: v for k, v in values.items() if v}
            profile, converter = current_app.config["PROFILE"], current_app.config["CONVERTER"]
            try:
                data = get_kind("assignment-list").attach(data, "items", upload.filename, upload.read())
                if action == "notices":
                    result = service.assignment_notices(data, profile)
                    return _download(result.content, result.media_type, "交办单.zip", "assignment-notices.zip")
                fmt = "pdf" if action == "pdf" else "docx"
                document = service.render("assignment-list", data, profile, fmt=fmt, converter=converter)
                return _download(document.content, document.media_type, document.filename, f"assignment-list.{fmt}")
            except InvalidCase as exc:
                findings = list(exc.findings)
            except DocgenError as exc:
                findings = list(exc.findings) or [error(exc.code, "", exc.message)]
    status = 422 if any(f.severity.value == "error" for f in findings) else 200
    return render_template(
        "assignment.html", values=values, findings=described(findings), pdf_available=pdf_available()
    ), status


@bp.route("/commitments", methods=["GET", "POST"])
def commitments() -> Any:
    """Make the commitments ledger from reply letters, or read an updated ledger back."""
    as_of_text = request.form.get("as_of", "").strip()
    findings: list[Finding] = []
    review = None
    if request.method == "POST":
        action = request.form.get("_action", "make")
        try:
            as_of = parse_date(as_of_text) if as_of_text else None
        except DateTextError as exc:
            findings = [error("as_of.format", "as_of", f"as_of：{exc}")]
        else:
            try:
                if action == "review":
                    upload = request.files.get("ledger")
                    if upload is None or not upload.filename:
                        raise InputRejected([error("commitments.missing_file", "ledger", "ledger：请上传承诺事项台账（.xlsx）")])
                    review = service.review_commitments(upload.filename, upload.read(), as_of)
                    findings = review.findings
                else:
                    files = [(u.filename, u.read()) for u in request.files.getlist("letters") if u.filename]
                    if not files:
                        raise InputRejected([error("letters.missing_file", "letters", "letters：请上传答复函文件（.json、.xlsx 或 .csv）")])
                    ledger = service.commitments_ledger(files, as_of, current_app.config["PROFILE"])
                    return _download(ledger.content, ledger.media_type, ledger.filename, "commitments.xlsx")
            except DocgenError as exc:
                findings = list(exc.findings) or [error(exc.code, "", exc.message)]
    status = 422 if any(f.severity.value == "error" for f in findings) else 200
    return render_template("commitments.html", as_of=as_of_text, review=review, findings=described(findings)), status


SPEECH_FIELDS = ("level", "year", "speaker", "delivered_on", "title", "opening", "review", "this_year", "closing")


def _requirements_from_form(form) -> list[dict[str, str]]:
    out, index = [], 0
    while f"requirements.{index}.title" in form:
        out.append({"title": form.get(f"requirements.{index}.title", "").strip(),
                    "text": form.get(f"requirements.{index}.text", "")})
        index += 1
    return out


@bp.route("/speech", methods=["GET", "POST"])
def speech() -> Any:
    """The speech draft: this year's items and last year's ledger uploaded, the office's words typed."""
    from ..kinds.assignment_speech import default_requirements

    form = request.form
    values = {name: form.get(name, "") for name in SPEECH_FIELDS}
    requirements = _requirements_from_form(form) if request.method == "POST" else [
        r.model_dump() for r in default_requirements()]
    findings: list[Finding] = []
    action = form.get("_action", "")
    if action == "add-requirement":
        requirements.append({"title": "", "text": ""})
    elif action.startswith("remove:"):
        index = int(action.split(":", 1)[1])
        if 0 <= index < len(requirements):
            requirements.pop(index)
    elif action in ("docx", "pdf"):
        data: dict[str, Any] = {k: v.strip() for k, v in values.items() if v.strip()}
        data["requirements"] = [r for r in requirements if r["title"] or r["text"].strip()]
        kind = get_kind("assignment-speech")
        try:
            for field in ("items", "ledger"):
                upload = request.files.get(field)
                if upload is None or not upload.filename:
                    label = "今年交办件表格" if field == "items" else "去年台账"
                    raise InputRejected([error(f"{field}.missing_file", field, f"{field}：请上传{label}")])
                data = kind.attach(data, field, upload.filename, upload.read())
            document = service.render("assignment-speech", data, current_app.config["PROFILE"], fmt=action,
                                      converter=current_app.config["CONVERTER"])
            return _download(document.content, document.media_type, document.filename, f"assignment-speech.{action}")
        except DocgenError as exc:
            findings = list(exc.findings) or [error(exc.code, "", exc.message)]
    status = 422 if any(f.severity.value == "error" for f in findings) else 200
    return render_template("speech.html", values=values, requirements=requirements, findings=described(findings),
                           pdf_available=pdf_available()), status
