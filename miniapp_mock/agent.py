"""The practitioner's side of the handshake over HTTP (``/api/v1``), as ``wangqian simulate``
drives it: login, the QR code PNG, the status long-poll. Like the phone client it knows the
public API and nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import ClientSession

from miniapp_mock.phone import USER_AGENT, error_from, request_json


@dataclass
class Agent:
    """The practitioner's side, /api/v1, with a bearer token once logged in."""

    http: ClientSession
    base_url: str
    token: str | None = None

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + path

    async def call(self, method: str, path: str, body: Any = None) -> Any:
        return await request_json(self.http, method, self.url(path), token=self.token, body=body)

    async def login(self, username: str, password: str) -> dict[str, Any]:
        body = await self.call(
            "POST", "/api/v1/auth/login", {"username": username, "password": password}
        )
        self.token = str(body["token"])
        return dict(body)

    async def qr_png(self, order_id: str, party_id: str) -> tuple[bytes, str]:
        """查看二维码 as the PNG an agent shows on screen, and when its token expires."""
        path = f"/api/v1/signing-orders/{order_id}/parties/{party_id}/qrcode.png"
        headers = {"Authorization": f"Bearer {self.token}", "User-Agent": USER_AGENT}
        async with self.http.get(self.url(path), headers=headers) as resp:
            raw = await resp.read()
            if resp.status >= 400:
                raise error_from(resp.status, resp.headers.get("Retry-After"), raw)
            return raw, resp.headers.get("X-QR-Expires-At", "")

    async def poll(
        self, order_id: str, version: int, wait: int, etag: str | None
    ) -> tuple[dict[str, Any] | None, str | None]:
        """签名状态, held up to ``wait`` s until the version moves past ``version``; None when
        the ETag still matches (304: nothing changed)."""
        path = f"/api/v1/signing-orders/{order_id}?wait={wait}&version={version}"
        headers = {"Authorization": f"Bearer {self.token}", "User-Agent": USER_AGENT}
        if etag:
            headers["If-None-Match"] = etag
        async with self.http.get(self.url(path), headers=headers) as resp:
            if resp.status == 304:
                return None, etag
            raw = await resp.read()
            if resp.status >= 400:
                raise error_from(resp.status, resp.headers.get("Retry-After"), raw)
            return dict(await resp.json()), resp.headers.get("ETag")
