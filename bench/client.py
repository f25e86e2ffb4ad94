"""A timed HTTP client: every call is recorded under a step name, and may be recorded with its
answer so the same conversation can be replayed against the floor."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientSession

from bench.floor import Canned


class UnexpectedStatus(Exception):
    pass


class Retryable(Exception):
    """409 VERSION_CONFLICT (every compare-and-set retry lost) or 503 (the store timed out)."""

    def __init__(self, step: str, status: int) -> None:
        super().__init__(f"{step}: {status}")
        self.status = status


@dataclass(frozen=True)
class Request:
    """One request as sent, for replay."""

    step: str
    method: str
    path: str
    token: str | None
    body: bytes | None

    def to_json(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "method": self.method,
            "path": self.path,
            "token": self.token,
            "body": self.body.decode() if self.body is not None else None,
        }

    @classmethod
    def of(cls, raw: dict[str, Any]) -> Request:
        body = raw.get("body")
        return cls(
            raw["step"], raw["method"], raw["path"], raw.get("token"), body and body.encode()
        )


@dataclass
class Recorder:
    """Durations per step; when ``capture`` is on, each lane's requests and each step's answer."""

    timings: dict[str, list[float]] = field(default_factory=dict)
    capture: bool = False
    lanes: dict[str, list[Request]] = field(default_factory=dict)
    answers: dict[str, Canned] = field(default_factory=dict)
    conflicts: dict[str, int] = field(default_factory=dict)  # "step status" → retried answers

    def add(self, step: str, seconds: float) -> None:
        self.timings.setdefault(step, []).append(seconds)


# A 409 VERSION_CONFLICT means the service gave up retrying a lost compare-and-set, a 503 that
# the store did not answer in time; nothing was written either way, so the phone (or the agent's
# page) tries again, as a person would, after a pause. Both are counted.
CONFLICT_RETRIES = 5
CONFLICT_PAUSE_SECONDS = 0.05


class Http:
    """JSON calls to one base URL, timed under a step name, optionally in a named lane."""

    def __init__(self, session: ClientSession, base_url: str, recorder: Recorder) -> None:
        self.session = session
        self.base_url = base_url.rstrip("/")
        self.recorder = recorder

    async def call(
        self,
        step: str,
        method: str,
        path: str,
        *,
        token: str | None = None,
        json_body: Any = None,
        expect: int = 200,
        lane: str = "agent",
    ) -> Any:
        """One call; a 409 VERSION_CONFLICT is counted and the call made again."""
        for _ in range(CONFLICT_RETRIES):
            try:
                return await self._call(
                    step, method, path, token=token, json_body=json_body, expect=expect, lane=lane
                )
            except Retryable as exc:
                key = f"{step} {exc.status}"
                self.recorder.conflicts[key] = self.recorder.conflicts.get(key, 0) + 1
                await asyncio.sleep(CONFLICT_PAUSE_SECONDS)
        return await self._call(
            step, method, path, token=token, json_body=json_body, expect=expect, lane=lane
        )

    async def _call(
        self,
        step: str,
        method: str,
        path: str,
        *,
        token: str | None,
        json_body: Any,
        expect: int,
        lane: str,
    ) -> Any:
        body = json.dumps(json_body).encode() if json_body is not None else None
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if body is not None:
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        async with self.session.request(
            method, self.base_url + path, data=body, headers=headers
        ) as resp:
            raw = await resp.read()
            status, content_type = resp.status, resp.content_type
            kept = {k: resp.headers[k] for k in ("ETag", "Cache-Control") if k in resp.headers}
        self.recorder.add(step, time.perf_counter() - started)
        if (status == 409 and b'"VERSION_CONFLICT"' in raw) or status == 503:
            raise Retryable(step, status)
        if status != expect:
            raise UnexpectedStatus(f"{step}: {method} {path} → {status}: {raw[:300]!r}")
        if self.recorder.capture:
            self.recorder.lanes.setdefault(lane, []).append(
                Request(step, method, path, token, body)
            )
            self.recorder.answers.setdefault(step, Canned(status, content_type, raw, kept))
        return json.loads(raw) if content_type == "application/json" else raw

    async def replay(self, request: Request) -> None:
        """Send a recorded request to the floor (``/replay`` + its path), timed the same way."""
        headers = {"X-Bench-Step": request.step}
        if request.token:
            headers["Authorization"] = f"Bearer {request.token}"
        if request.body is not None:
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        async with self.session.request(
            request.method,
            f"{self.base_url}/replay{request.path}",
            data=request.body,
            headers=headers,
        ) as resp:
            await resp.read()
            status = resp.status
        self.recorder.add(request.step, time.perf_counter() - started)
        if status >= 400:
            raise UnexpectedStatus(f"replay {request.step} → {status}")
