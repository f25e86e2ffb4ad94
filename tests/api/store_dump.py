"""What a test compares before and after a refused request: every document of every
collection. Equal means nothing was written, not even half of something."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from backend.appkeys import STORE
from miniapp_mock.services import SANDBOX_COLLECTIONS
from signing_flow.ports import COLLECTIONS


async def everything(client: TestClient[Any, Any]) -> dict[str, list[Any]]:
    store = client.server.app[STORE]
    return {
        name: sorted(await store.find(name, {}), key=lambda d: str(d["_id"]))
        for name in sorted({**COLLECTIONS, **SANDBOX_COLLECTIONS})
    }
