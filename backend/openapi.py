"""OpenAPI 3.1, generated from the route table and the pydantic models the handlers use.

The table is passed in (the app keeps the routes it registered), so this module needs nothing
from ``backend.routes``.
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
    error = {"application/json": {"schema": {"$ref": REF.format(model="ErrorResponse")}}}
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        op: dict[str, Any] = {"summary": route.summary, "tags": [route.tag]}
        params = re.findall(r"{(\w+)[^}]*}", route.path)
        if params:
            op["parameters"] = [
                {"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
                for p in params
            ]
        if route.request is not None:
            op["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": refs[(route.request, "validation")]}},
            }
        ok: dict[str, Any] = {"description": "OK"}
        if route.response is not None:
            ok["content"] = {
                "application/json": {"schema": refs[(route.response, "serialization")]}
            }
        op["responses"] = {
            str(route.status): ok,
            "default": {"description": "错误", "content": error},
        }
        if route.auth:
            op["security"] = [{"bearer": []}]
        path = re.sub(r"{(\w+):[^}]*}", r"{\1}", route.path)
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
