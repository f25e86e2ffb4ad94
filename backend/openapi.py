"""OpenAPI 3.1, generated from the route table and the pydantic models the handlers use.

The table is passed in (the app keeps the routes it registered), so this module needs nothing
from ``backend.routes``. Each route's query parameters and raw upload body come from its own
declaration (``Route.query``, ``Route.upload``), the ones its handler reads the request with.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from backend.route import Route
from backend.shared_schemas import ErrorResponse

REF = "#/components/schemas/{model}"

# The error answers any route may give (docs/api.md, DESIGN §6), each in the error format:
# declared on every operation, so a client (or the fuzzer) knows every status it can meet.
ERROR_STATUSES = {
    400: "请求无法解析 (malformed JSON, query or header)",
    401: "未登录或会话失效 (not authenticated)",
    403: "无权操作 (forbidden)",
    404: "不存在 (not found)",
    409: "状态冲突 (conflict with the current state)",
    410: "已结束 (gone: the order or link has ended)",
    413: "请求体过大 (body too large)",
    415: "不支持的媒体类型 (unsupported media type)",
    422: "字段校验失败 (invalid fields, all reported at once)",
    429: "尝试过多 (too many attempts)",
    503: "存储不可用 (store unavailable)",
}
# A path parameter written ``{name:a|b}`` takes one of those literal values.
_PATH_PARAM = re.compile(r"{(\w+)(?::([^}]*))?}")
_LITERALS = re.compile(r"\w+(?:\|\w+)*")


def _path_parameters(route: Route) -> list[dict[str, Any]]:
    choices = dict(route.path_choices)
    params = []
    for name, pattern in _PATH_PARAM.findall(route.path):
        schema: dict[str, Any] = {"type": "string"}
        if pattern and _LITERALS.fullmatch(pattern):
            schema["enum"] = pattern.split("|")
        elif name in choices:
            schema["enum"] = list(choices[name])
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
    return params


def _request_body(route: Route, refs: dict[Any, Any]) -> dict[str, Any] | None:
    if route.upload is not None:
        binary = {"schema": {"type": "string", "format": "binary"}}
        return {
            "required": True,
            "description": f"文件本身，不超过 {route.upload.max_bytes} 字节 (the file's bytes)",
            "content": {media: binary for media in route.upload.media_types},
        }
    if route.request is not None:
        return {
            "required": True,
            "content": {"application/json": {"schema": refs[(route.request, "validation")]}},
        }
    return None


def _responses(route: Route, refs: dict[Any, Any]) -> dict[str, Any]:
    ok: dict[str, Any] = {"description": "OK"}
    if route.response is not None:
        ok["content"] = {"application/json": {"schema": refs[(route.response, "serialization")]}}
    elif route.produces:
        ok["content"] = {media: {"schema": {}} for media in route.produces}
    responses: dict[str, Any] = {str(route.status): ok}
    if route.not_modified:
        responses["304"] = {"description": "未变化 (If-None-Match matched the ETag)"}
    error = {"application/json": {"schema": {"$ref": REF.format(model="ErrorResponse")}}}
    for status, description in ERROR_STATUSES.items():
        responses[str(status)] = {"description": description, "content": error}
    return responses


@cache
def openapi_document(routes: tuple[Route, ...]) -> dict[str, Any]:
    """The document of ``routes``: those an app mounted (``backend.route.MOUNTED_ROUTES``)."""
    keyed: set[tuple[type[BaseModel], JsonSchemaMode]] = {(ErrorResponse, "serialization")}
    for route in routes:
        if route.request is not None:
            keyed.add((route.request, "validation"))
        if route.response is not None:
            keyed.add((route.response, "serialization"))
    refs, defs = models_json_schema(
        sorted(keyed, key=lambda pair: (pair[0].__name__, pair[1])), ref_template=REF
    )
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        op: dict[str, Any] = {"summary": route.summary, "tags": [route.tag]}
        params = _path_parameters(route) + [q.document() for q in route.query]
        if params:
            op["parameters"] = params
        body = _request_body(route, refs)
        if body is not None:
            op["requestBody"] = body
        op["responses"] = _responses(route, refs)
        if route.auth:
            op["security"] = [{"bearer": []}]
        path = _PATH_PARAM.sub(r"{\1}", route.path)
        paths.setdefault(path, {})[route.method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "wangqian 网签 API", "version": "1.0.0"},
        "paths": paths,
        "components": {
            "schemas": defs.get("$defs", {}),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
