"""docs/webhooks.md's 20-line receiver, run as written against real deliveries."""

from __future__ import annotations

import re
import threading
import time
from http.server import HTTPServer
from pathlib import Path
from typing import Any

from backend.webhooks.transport import http_transport
from signing_flow.webhook_rules import UrlPolicy, signature_header
from tests.e2e.conftest import free_port

DOC = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"


def receiver_code() -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("A receiver in 20 lines")
    return re.search(r"```python\n(.*?)```", text[start:], re.S).group(1)  # type: ignore[union-attr]


def test_the_receiver_is_at_most_20_lines() -> None:
    assert len([line for line in receiver_code().splitlines() if line.strip()]) <= 20


async def test_the_documented_receiver_takes_a_signed_delivery_and_refuses_the_rest() -> None:
    port = free_port()
    code = receiver_code().replace('b"whsec_…"', 'b"whsec_doc"')
    code = code.replace('HTTPServer(("", 8000), Hook).serve_forever()', "")
    scope: dict[str, Any] = {}
    exec(compile(code, str(DOC), "exec"), scope)  # the documented code, as written
    server = HTTPServer(("127.0.0.1", port), scope["Hook"])
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{port}/hook"
    body = b'{"id":"c1-e4","type":"party.signed","contract_number":"CL1","order_id":"o1","party_id":"s1"}'
    try:
        async with http_transport(UrlPolicy(sandbox=True)) as transport:
            now = int(time.time())

            async def post(secret: str, stamp: int, data: bytes = body) -> int | None:
                header = signature_header([secret], stamp, data)
                outcome = await transport.post(url, data, {"Wangqian-Signature": header})
                return outcome.status_code

            assert await post("whsec_doc", now) == 204
            assert await post("whsec_doc", now) == 204  # a repeat is taken (and deduplicated)
            assert await post("whsec_other", now) == 400
            assert await post("whsec_doc", now - 301) == 400  # a replay
    finally:
        server.shutdown()
    assert scope["seen"] == {"c1-e4"}
