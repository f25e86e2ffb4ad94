"""The error format of DESIGN §6 for requests that never reach a use case."""

from __future__ import annotations

import io

from signing_flow.terms import Acknowledgement, Bank, CoOwnership, IdType, PaymentMethod
from tests.api.conftest import Api


async def test_malformed_json_gets_400(agent: Api) -> None:
    resp = await agent.client.post(
        "/api/v1/contracts",
        data=b"{not json",
        headers={**agent.headers(), "Content-Type": "application/json"},
    )
    assert resp.status == 400
    assert (await resp.json())["error"]["code"] == "MALFORMED_REQUEST"


async def test_a_body_that_is_not_a_json_object_gets_400(agent: Api) -> None:
    status, body = await agent.call("POST", "/api/v1/properties/verify", json=[1, 2])
    assert status == 400
    assert body["error"]["code"] == "MALFORMED_REQUEST"


async def test_another_media_type_gets_415(agent: Api) -> None:
    resp = await agent.client.post(
        "/api/v1/properties/verify", data="cert_no=1", headers=agent.headers()
    )
    assert resp.status == 415
    assert (await resp.json())["error"]["code"] == "UNSUPPORTED_MEDIA_TYPE"


async def test_a_body_over_1_mib_gets_413(agent: Api) -> None:
    resp = await agent.client.post(
        "/api/v1/properties/verify",
        data=io.BytesIO(b'{"x": "' + b"a" * (1024 * 1024) + b'"}'),
        headers={**agent.headers(), "Content-Type": "application/json"},
    )
    assert resp.status == 413
    assert (await resp.json())["error"]["code"] == "BODY_TOO_LARGE"


async def test_an_unknown_route_answers_in_the_error_format(anonymous: Api) -> None:
    body = await anonymous.get("/api/v1/nothing-here", expect=404)
    assert body["error"]["code"] == "ROUTE_NOT_FOUND"


async def test_every_type_error_in_a_body_is_reported_at_once_with_its_path(agent: Api) -> None:
    body = await agent.post(
        "/api/v1/contracts",
        {
            "property": {"cert_no": 5},
            "price_fen": "a lot",
            "buyers": [{"name": "x", "id_type": "alien"}],
            "surprise": 1,
        },
        expect=422,
    )
    paths = {f["path"] for f in body["error"]["details"]["fields"]}
    assert paths == {"property.cert_no", "price_fen", "buyers[0].id_type", "surprise"}


async def test_health_and_readiness_answer(anonymous: Api) -> None:
    assert await anonymous.get("/healthz") == {"status": "ok"}
    assert await anonymous.get("/readyz") == {"status": "ok"}


async def test_openapi_describes_every_route_with_its_models(anonymous: Api) -> None:
    doc = await anonymous.get("/openapi.json")
    assert doc["openapi"] == "3.1.0"
    create = doc["paths"]["/api/v1/contracts"]["post"]
    ref = create["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = doc["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert "property" in schema["properties"] and "buyers" in schema["properties"]
    assert "/api/v1/todo" in doc["paths"]


async def test_openapi_lists_the_allowed_values_of_each_term(anonymous: Api) -> None:
    schemas = (await anonymous.get("/openapi.json"))["components"]["schemas"]
    for kind in (IdType, CoOwnership, PaymentMethod, Bank, Acknowledgement):
        assert schemas[kind.__name__]["enum"] == [member.value for member in kind]


async def test_a_value_outside_the_vocabulary_keeps_its_field_code(agent: Api) -> None:
    body = await agent.post(
        "/api/v1/contracts",
        {"property": {"cert_no": "x"}, "payment_method": "barter", "acknowledgements": {"x": True}},
        expect=422,
    )
    codes = {(f["path"], f["code"]) for f in body["error"]["details"]["fields"]}
    assert ("payment_method", "LITERAL_ERROR") in codes
    assert ("acknowledgements.x.[key]", "LITERAL_ERROR") in codes
