"""The OpenAPI document describes what the handlers read: query parameters with their bounds, raw
upload bodies with their media types, path parameters, and every error status in the error
format. It validates as OpenAPI 3.1."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from openapi_spec_validator import validate

from backend.app import create_app
from backend.settings import Settings
from tests.api.conftest import Api, ClientFactory


def _query(op: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["name"]: p["schema"] for p in op.get("parameters", []) if p["in"] == "query"}


async def test_the_document_lists_query_parameters_uploads_and_errors(
    aiohttp_client: ClientFactory, settings: Settings
) -> None:
    sandbox = Api(await aiohttp_client(create_app(replace(settings, sandbox=True))))
    doc = await sandbox.get("/openapi.json")
    validate(doc)
    paths = doc["paths"]

    contracts = _query(paths["/api/v1/contracts"]["get"])
    assert contracts["limit"] == {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}
    assert "filed" in contracts["status"]["enum"] and contracts["number"] == {"type": "string"}
    poll = _query(paths["/api/v1/signing-orders/{oid}"]["get"])
    assert poll["wait"] == {"type": "integer", "minimum": 0, "maximum": 30}
    assert poll["version"]["maximum"] == 999_999_999
    assert "304" in paths["/api/v1/signing-orders/{oid}"]["get"]["responses"]
    assert set(_query(paths["/sandbox/v1/sms"]["get"])) == {"phone", "limit"}
    assert set(_query(paths["/api/v1/practitioners"]["get"])) == {"status", "agency_id"}
    assert set(_query(paths["/api/v1/practitioners/reviewed"]["get"])) == {"agency_id"}
    assert "submitted" in _query(paths["/api/v1/agencies"]["get"])["status"]["enum"]

    scan = paths["/api/v1/window/contracts/{id}/signed-pages"]["post"]["requestBody"]
    assert set(scan["content"]) == {"application/pdf", "image/png", "image/jpeg"}
    assert scan["content"]["application/pdf"]["schema"] == {"type": "string", "format": "binary"}
    assert "5242880" in scan["description"]
    document = "/api/v1/window/contracts/{id}/parties/{pid}/documents/{kind}"
    assert set(paths[document]["put"]["requestBody"]["content"]) == set(scan["content"])
    kind = next(p for p in paths[document]["put"]["parameters"] if p["name"] == "kind")
    assert kind["schema"]["enum"] == [
        "photo",
        "power_of_attorney",
        "minor_guarantee",
        "kinship_proof",
    ]
    form = paths["/api/v1/window/contracts/{id}/forms/{form}.html"]["get"]["parameters"]
    assert "filing-application" in next(p for p in form if p["name"] == "form")["schema"]["enum"]
    for owner in ("agencies/{aid}", "practitioners/{pid}"):
        image = paths[f"/api/v1/{owner}/materials/{{mid}}/file"]["put"]["requestBody"]
        assert set(image["content"]) == {"image/png", "image/jpeg"}
        assert "500000" in image["description"]

    qrcode = paths["/api/v1/signing-orders/{oid}/parties/{pid}/qrcode.{fmt}"]["get"]
    assert {p["name"]: p["schema"].get("enum") for p in qrcode["parameters"]} == {
        "oid": None,
        "pid": None,
        "fmt": ["png", "svg"],
    }
    for methods in paths.values():
        for op in methods.values():
            for status in ("400", "401", "403", "404", "409", "410", "413", "415", "422", "429"):
                error = op["responses"][status]["content"]["application/json"]["schema"]
                assert error == {"$ref": "#/components/schemas/ErrorResponse"}
            assert "default" not in op["responses"]


async def test_a_query_parameter_the_route_does_not_declare_is_refused(agent: Api) -> None:
    body = await agent.get("/api/v1/contracts?limt=5&status=filed&x=1&x=2", expect=422)
    fields = [(f["path"], f["code"]) for f in body["error"]["details"]["fields"]]
    assert fields == [("limt", "EXTRA_FORBIDDEN"), ("x", "EXTRA_FORBIDDEN")]
    await agent.get("/api/v1/todo?status=filed", expect=422)
    assert (await agent.get("/api/v1/contracts?limit=5&status=filed"))["items"] == []


async def test_a_body_value_of_another_json_type_is_refused(
    aiohttp_client: ClientFactory, settings: Settings, agent: Api
) -> None:
    # Found by the fuzzer: pydantic's lax mode took `true` as the integer 1.
    sandbox = Api(await aiohttp_client(create_app(replace(settings, sandbox=True))))
    body = await sandbox.post("/sandbox/v1/clock", {"advance_seconds": True}, expect=422)
    assert body["error"]["details"]["fields"][0]["path"] == "advance_seconds"
    await sandbox.post("/sandbox/v1/clock", {"to": 1900000000}, expect=422)
    body = await agent.post(
        "/api/v1/contracts",
        {"property": {"cert_no": "x"}, "price_fen": "5", "acknowledgements": {"x": "yes"}},
        expect=422,
    )
    paths = {f["path"] for f in body["error"]["details"]["fields"]}
    assert "price_fen" in paths
