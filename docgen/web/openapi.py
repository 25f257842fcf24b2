"""The OpenAPI 3.1 description of the HTTP face, generated from the registered kinds."""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic.json_schema import models_json_schema

from .. import __name__ as package_name
from ..kinds import all_kinds
from ..pdf import PDF_MEDIA_TYPE
from ..service import DOCX_MEDIA_TYPE
from .problems import PROBLEM_MEDIA_TYPE

REF = "#/components/schemas/{model}"

FINDING = {
    "type": "object",
    "required": ["code", "severity", "path", "message"],
    "properties": {
        "code": {"type": "string", "description": "稳定的机器可读代码，如 commitment.deadline_missing"},
        "severity": {"type": "string", "enum": ["error", "warning"], "description": "error 阻止生成，warning 不阻止"},
        "path": {"type": "string", "description": "出问题的字段路径，如 points[0].measures[1].deadline"},
        "message": {"type": "string", "description": "中文说明"},
    },
}

PROBLEM = {
    "type": "object",
    "required": ["type", "title", "status", "code", "detail", "findings"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "code": {
            "type": "string",
            "description": "invalid_case, malformed_json, unsupported_media_type, unknown_kind, not_found, "
            "method_not_allowed, payload_too_large, internal_error …",
        },
        "detail": {"type": "string"},
        "findings": {"type": "array", "items": {"$ref": REF.format(model="Finding")}},
    },
}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": REF.format(model="Problem")}}}}


def _kind_paths(name: str, title: str, schema_ref: str) -> dict[str, Any]:
    body = {"required": True, "content": {"application/json": {"schema": {"$ref": schema_ref}}}}
    errors = {
        "400": _problem("JSON 无法解析"),
        "413": _problem("请求体过大"),
        "415": _problem("请求体不是 JSON"),
    }
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {
        f"/api/v1/documents/{name}": {
            "post": {
                "operationId": f"render_{name.replace('-', '_')}",
                "summary": f"生成{title}（.docx 或 PDF）",
                "parameters": [
                    {"name": "format", "in": "query", "required": False,
                     "schema": {"type": "string", "enum": ["docx", "pdf"], "default": "docx"},
                     "description": "输出格式；不填时 Accept: application/pdf 也表示 PDF"},
                    {"name": "draft", "in": "query", "required": False, "schema": {"type": "boolean", "default": False},
                     "description": "PDF 每页加“草稿”水印"},
                ],
                "requestBody": body,
                "responses": {
                    "200": {
                        "description": f"{title}文书；Content-Disposition 带中文文件名，X-Docgen-Warnings 列出警告代码",
                        "content": {DOCX_MEDIA_TYPE: binary, PDF_MEDIA_TYPE: binary},
                    },
                    "422": _problem("案件数据未通过检查，findings 列出每处问题"),
                    "502": _problem("LibreOffice 无法转换该文档"),
                    "503": _problem("PDF 转换不可用（未安装 LibreOffice）"),
                    "504": _problem("PDF 转换超时"),
                    **errors,
                },
            }
        },
        f"/api/v1/documents/{name}/validate": {
            "post": {
                "operationId": f"validate_{name.replace('-', '_')}",
                "summary": f"检查{title}案件数据",
                "requestBody": body,
                "responses": {
                    "200": {
                        "description": "检查结果",
                        "content": {"application/json": {"schema": {"$ref": REF.format(model="ValidationReport")}}},
                    },
                    **errors,
                },
            }
        },
    }


def _other_paths() -> dict[str, Any]:
    """Ledger figures and batches (their bodies are described in prose: they take files)."""
    json_or_file = {
        "required": True,
        "content": {
            "application/json": {"schema": {"type": "object"}},
            "multipart/form-data": {"schema": {"type": "object", "properties": {
                "ledger": {"type": "string", "format": "binary"}, "cases": {"type": "string", "format": "binary"}}}},
        },
    }
    binary = {"schema": {"type": "string", "format": "binary"}}
    batch_body = {
        "description": "JSON {kind, cases, output: zip|pdf, document_format: docx|pdf, strict, draft}，"
        "或 multipart（kind、output、document_format、strict 字段和 cases 文件：.json，答复函也可用 .xlsx/.xls/.ods/.csv）",
        **json_or_file,
    }
    return {
        "/api/v1/ledger/stats": {"post": {
            "operationId": "ledger_stats", "summary": "统计台账（JSON 行列表，或上传 ledger 文件）",
            "requestBody": json_or_file,
            "responses": {"200": {"description": "{ok, figures, findings, rows}：rows 说明读取了哪些行、未计入哪些行及原因"}, "422": _problem("台账无法读取"),
                          "400": _problem("请求有误")},
        }},
        "/api/v1/batch": {"post": {
            "operationId": "render_batch", "summary": "批量生成：压缩包（含 报告.json）或合并的 PDF",
            "requestBody": batch_body,
            "responses": {
                "200": {"description": "X-Docgen-Batch 给出件数；合并 PDF 时 X-Docgen-Report 列出有问题的案件",
                        "content": {"application/zip": binary, PDF_MEDIA_TYPE: binary}},
                "422": _problem("严格模式下有案件未通过检查，或上传文件无法读取"),
                "413": _problem("件数过多"), "400": _problem("请求有误"),
            },
        }},
        "/api/v1/batch/jobs": {"post": {
            "operationId": "submit_batch_job", "summary": "以任务方式批量生成（可查询进度）",
            "requestBody": batch_body,
            "responses": {"202": {"description": "{id, status_url, result_url}"}, "422": _problem("输入无法读取")},
        }},
        "/api/v1/batch/jobs/{job_id}": {"get": {
            "operationId": "batch_job_status", "summary": "任务进度",
            "parameters": [{"name": "job_id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "{state, done, total, report}"}, "404": _problem("没有该任务")},
        }},
        "/api/v1/batch/jobs/{job_id}/result": {"get": {
            "operationId": "batch_job_result", "summary": "下载任务结果",
            "parameters": [{"name": "job_id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "压缩包或 PDF", "content": {"application/zip": binary, PDF_MEDIA_TYPE: binary}},
                          "404": _problem("没有该任务"), "409": _problem("任务未完成或已失败")},
        }},
    }


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _yearly_paths() -> dict[str, Any]:
    """The year's lists: each unit's 交办单 from the assignment list; the commitments ledger and its read-back."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    as_of = {"name": "as_of", "in": "query", "required": False, "description": "按哪一天计算剩余天数、判断逾期（默认当天）",
             "schema": {"type": "string", "format": "date"}}
    return {
        "/api/v1/assignment/notices": {"post": {
            "operationId": "assignment_notices", "summary": "各单位交办单：由交办清单按单位生成，打包为压缩包",
            "requestBody": {"required": True, "description": "交办清单的案件 JSON，或 multipart（case 字段为 JSON，items 为交办件表格）",
                            "content": {"application/json": {"schema": {"type": "object"}},
                                        "multipart/form-data": {"schema": {"type": "object"}}}},
            "responses": {"200": {"description": "压缩包，每个单位一份交办单，附 报告.json", "content": {"application/zip": binary}},
                          "422": _problem("交办清单未通过检查"), "400": _problem("请求有误")},
        }},
        "/api/v1/commitments": {"post": {
            "operationId": "commitments_ledger", "summary": "承诺事项台账：答复函中的每项承诺一行（.xlsx）",
            "parameters": [as_of],
            "requestBody": {"required": True, "description": "答复函 JSON（单件、列表或 {cases}），或 multipart 上传 letters 文件（可多个）",
                            "content": {"application/json": {"schema": {"type": "object"}},
                                        "multipart/form-data": {"schema": {"type": "object", "properties": {
                                            "letters": {"type": "array", "items": {"type": "string", "format": "binary"}}}}}}},
            "responses": {"200": {"description": "台账 .xlsx：承诺事项、汇总、各单位工作表", "content": {XLSX: binary}},
                          "422": _problem("有答复函未通过检查，或文件无法读取"), "400": _problem("请求有误")},
        }},
        "/api/v1/commitments/review": {"post": {
            "operationId": "commitments_review", "summary": "读回承诺事项台账，列出逾期未办结的承诺",
            "parameters": [as_of],
            "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {"type": "object", "properties": {
                "ledger": {"type": "string", "format": "binary"}}}}}},
            "responses": {"200": {"description": "{ok, as_of, total, by_status, overdue, findings}"},
                          "422": _problem("台账无法读取"), "400": _problem("请求有误")},
        }},
    }


@cache
def openapi_document() -> dict[str, Any]:
    kinds = all_kinds()
    refs, defs = models_json_schema([(k.model, "validation") for k in kinds], ref_template=REF)
    schemas: dict[str, Any] = dict(defs.get("$defs", {}))
    schemas["Finding"] = FINDING
    schemas["Problem"] = PROBLEM
    schemas["ValidationReport"] = {
        "type": "object",
        "required": ["ok", "findings"],
        "properties": {"ok": {"type": "boolean"}, "findings": {"type": "array", "items": {"$ref": REF.format(model="Finding")}}},
    }
    kind_info = {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "title": {"type": "string"},
            "description": {"type": "string"},
            "schema": {"type": "object", "description": "该类型案件数据的 JSON Schema"},
        },
    }
    paths: dict[str, Any] = {
        "/healthz": {"get": {"operationId": "healthz", "summary": "健康检查", "responses": {"200": {"description": "服务正常"}, "503": {"description": "PDF 转换不可用：没有能启动的 LibreOffice 转换进程（degraded）"}}}},
        "/api/v1/kinds": {
            "get": {
                "operationId": "list_kinds",
                "summary": "文书类型及其 JSON Schema",
                "responses": {
                    "200": {
                        "description": "全部文书类型",
                        "content": {"application/json": {"schema": {"type": "object", "properties": {"kinds": {"type": "array", "items": kind_info}}}}},
                    }
                },
            }
        },
    }
    for kind in kinds:
        paths.update(_kind_paths(kind.name, kind.title, refs[(kind.model, "validation")]["$ref"]))
    paths.update(_other_paths())
    paths.update(_yearly_paths())
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "docgen",
            "version": _version(),
            "description": "人大代表建议、政协委员提案办理文书生成服务（GB/T 9704-2012 格式）。",
        },
        "paths": paths,
        "components": {"schemas": schemas},
    }


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package_name)
    except PackageNotFoundError:
        return "0"
