"""Request ids: a well-formed ``X-Request-Id`` is kept, anything else replaced; every response
names its id, every error body carries it, and every log line of the request shows it."""

from __future__ import annotations

import io
import json
import logging
import re
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from backend.access_log import AccessLogger
from backend.app import create_app
from backend.demo import seed_demo
from backend.log_format import TEXT_FORMAT, JsonFormatter, log_handler
from backend.request_ids import CURRENT, RequestIdFilter, well_formed
from backend.settings import Settings
from backend.storage import open_store
from miniapp_mock.pages.phone_page import PHONE_PAGES
from miniapp_mock.services import SANDBOX_COLLECTIONS
from tests.api.conftest import Api
from tests.conftest import FakeClock

GENERATED = re.compile(r"[0-9a-f]{32}")
wangqian_http = logging.getLogger("wangqian.http")


async def boom(request: web.Request) -> web.Response:
    wangqian_http.info("about to fail")
    raise RuntimeError("a bug")


@pytest.fixture
async def served(aiohttp_client: Any, settings: Settings, clock: FakeClock) -> TestClient[Any, Any]:
    """The app as ``wangqian serve`` runs it (its access logger), with one route that fails."""
    async with open_store(settings.store_url, SANDBOX_COLLECTIONS) as store:
        await seed_demo(store)
    app = create_app(settings, clock=clock)
    app.router.add_get("/test/boom", boom)
    server = TestServer(app)
    await server.start_server(access_log_class=AccessLogger)
    client: TestClient[Any, Any] = await aiohttp_client(server)
    return client


@pytest.fixture
def records(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Log records as the service's handler sees them: with the request id filter."""
    caplog.set_level(logging.INFO)
    caplog.handler.addFilter(RequestIdFilter())
    return caplog


async def test_a_well_formed_request_id_is_answered_as_sent(served: TestClient[Any, Any]) -> None:
    resp = await served.get("/healthz", headers={"X-Request-Id": "lb-7f3A.9_x"})
    assert resp.headers["X-Request-Id"] == "lb-7f3A.9_x"


async def test_a_request_without_an_id_gets_a_new_one(served: TestClient[Any, Any]) -> None:
    first = await served.get("/healthz")
    second = await served.get("/healthz")
    assert GENERATED.fullmatch(first.headers["X-Request-Id"])
    assert first.headers["X-Request-Id"] != second.headers["X-Request-Id"]


@pytest.mark.parametrize(
    "sent",
    ["", "a b", "x" * 65, 'id"}, "level": "forged', "a;b", "编号", "id%0Aforged", "a/b"],
)
async def test_a_malformed_request_id_is_replaced_not_repeated(
    served: TestClient[Any, Any], sent: str
) -> None:
    resp = await served.get("/healthz", headers={"X-Request-Id": sent})
    assert GENERATED.fullmatch(resp.headers["X-Request-Id"])


@pytest.mark.parametrize("sent", ["a\nb", "a\rb", "a\x00b", "a\u2028b", "a\tb", "x" * 65])
def test_control_characters_and_long_ids_are_not_well_formed(sent: str) -> None:
    assert not well_formed(sent)


async def test_every_kind_of_response_carries_the_id(served: TestClient[Any, Any]) -> None:
    asset = next(iter(served.app[PHONE_PAGES].assets))
    answers = [
        await served.get("/no/such/route"),  # 404 from the router
        await served.put("/healthz"),  # 405
        await served.get(f"/mp/static/{asset}"),  # a static file
        await served.get("/api/v1/auth/me"),  # 401 from the domain
        await served.get("/test/boom"),  # 500
        await served.post("/api/v1/auth/login", data=b"{", headers={"Content-Type": "x/y"}),
    ]
    assert [a.status for a in answers] == [404, 405, 200, 401, 500, 415]
    assert all(GENERATED.fullmatch(a.headers["X-Request-Id"]) for a in answers)


@pytest.mark.parametrize("path", ["/no/such/route", "/api/v1/auth/me", "/test/boom"])
async def test_an_error_body_names_the_request_id(served: TestClient[Any, Any], path: str) -> None:
    resp = await served.get(path, headers={"X-Request-Id": "complaint-42"})
    body = await resp.json()
    assert resp.status >= 400
    assert body["error"]["request_id"] == "complaint-42" == resp.headers["X-Request-Id"]


async def test_a_validation_error_names_the_request_id(served: TestClient[Any, Any]) -> None:
    resp = await served.post("/api/v1/auth/login", json={"username": 5})
    body = await resp.json()
    assert resp.status == 422
    assert body["error"]["request_id"] == resp.headers["X-Request-Id"]


async def test_every_log_line_of_a_request_names_its_id(
    served: TestClient[Any, Any], records: pytest.LogCaptureFixture
) -> None:
    await served.get("/test/boom", headers={"X-Request-Id": "complaint-42"})
    mine = [r for r in records.records if getattr(r, "request_id", None) == "complaint-42"]
    messages = [r.getMessage() for r in mine]
    assert "about to fail" in messages
    assert any(m.startswith("unhandled error on GET /test/boom") for m in messages)
    assert any(m.startswith("GET /test/boom 500") for m in messages)  # the access log's line
    # and nothing of the request was logged without it
    assert not [r for r in records.records if "boom" in r.getMessage() and r not in mine]


async def test_lines_no_request_caused_show_a_dash(records: pytest.LogCaptureFixture) -> None:
    logging.getLogger("wangqian.jobs").info("expire_orders: 0 changed")
    (record,) = [r for r in records.records if r.name == "wangqian.jobs"]
    assert record.request_id == "-"  # type: ignore[attr-defined]
    assert "[-] expire_orders" in logging.Formatter(TEXT_FORMAT).format(record)


async def test_json_log_lines_are_one_object_each_with_the_access_fields(
    served: TestClient[Any, Any], records: pytest.LogCaptureFixture
) -> None:
    agent = await Api(served).login("agent_li")
    await served.get("/test/boom", headers={"X-Request-Id": "complaint-42"})
    await agent.get("/api/v1/contracts/nope", expect=404)
    formatter = JsonFormatter()
    lines = [formatter.format(r) for r in records.records]
    assert all("\n" not in line for line in lines)  # the traceback included
    parsed = [json.loads(line) for line in lines]
    assert all({"ts", "level", "logger", "message", "request_id"} <= p.keys() for p in parsed)
    failed = next(p for p in parsed if p["message"].startswith("unhandled error"))
    assert failed["request_id"] == "complaint-42" and "RuntimeError: a bug" in failed["exception"]
    access = next(p for p in parsed if p.get("path") == "/api/v1/contracts/nope")
    assert access["logger"] == "aiohttp.access" and access["status"] == 404
    assert access["method"] == "GET" and isinstance(access["duration_ms"], float)
    assert GENERATED.fullmatch(access["request_id"])


def test_the_log_format_is_text_unless_json_is_asked_for() -> None:
    assert Settings.from_env({}).log_format == "text"
    assert Settings.from_env({"WANGQIAN_LOG_FORMAT": "JSON"}).log_format == "json"
    with pytest.raises(ValueError, match="WANGQIAN_LOG_FORMAT"):
        Settings.from_env({"WANGQIAN_LOG_FORMAT": "xml"})


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_the_service_handler_names_the_request_on_one_line(log_format: str) -> None:
    handler, stream = log_handler(log_format), io.StringIO()
    handler.setStream(stream)
    record = logging.LogRecord("wangqian.http", logging.WARNING, __file__, 1, "a\nb", None, None)
    token = CURRENT.set("complaint-42")
    try:
        handler.handle(record)
    finally:
        CURRENT.reset(token)
    lines = stream.getvalue().splitlines()
    if log_format == "json":
        (line,) = lines
        assert json.loads(line)["request_id"] == "complaint-42"
    else:
        assert "WARNING wangqian.http [complaint-42] a" in lines[0]
