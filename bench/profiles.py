"""What a pyinstrument session of the service says: where the event-loop thread's time went,
by area (store, codec, HTTP, validation, …) and by application function."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from bench.procs import REPO

# Substrings of a frame's file path, first match wins → the area its self time is counted in.
AREAS: tuple[tuple[str, str], ...] = (
    ("/backend/storage/", "store adapter (our code + sqlite3/pymongo calls)"),
    ("/signing_flow/codec.py", "codec: documents ⇄ dataclasses"),
    ("/signing_flow/", "domain: signing_flow"),
    ("/backend/", "HTTP layer: backend"),
    ("/miniapp_mock/", "sandbox providers"),
    ("/pymongo/", "pymongo/bson"),
    ("/bson/", "pymongo/bson"),
    ("/aiohttp/", "aiohttp"),
    ("/multidict/", "aiohttp"),
    ("/yarl/", "aiohttp"),
    ("/pydantic", "pydantic (responses, request bodies)"),
    ("/json/", "json (stdlib)"),
    ("/cryptography/", "cryptography (receipts)"),
    ("/hashlib", "hashlib"),
    ("/logging/", "logging (access log)"),
    ("/asyncio/", "asyncio"),
    ("/selectors.py", "asyncio"),
    ("/zoneinfo/", "datetime/zoneinfo"),
    ("/_strptime.py", "datetime/zoneinfo"),
    ("/typing.py", "typing (codec reflection)"),
    ("/dataclasses.py", "dataclasses (codec reflection)"),
    ("/enum.py", "enum"),
)
# C functions (file "<built-in>") by name prefix; the others count where they were called from.
BUILTINS: tuple[tuple[str, str], ...] = (
    ("Connection.", "sqlite3 in C: statements, JSON index upkeep, commits"),
    ("Cursor.", "sqlite3 in C: statements, JSON index upkeep, commits"),
    ("socket.", "socket and epoll system calls"),
    ("epoll.", "socket and epoll system calls"),
    ("Schema", "pydantic (responses, request bodies)"),
    ("Ed25519", "cryptography (receipts)"),
)
IDLE = "idle: waiting for I/O (select)"


def area_of(frame: Any) -> str:
    path = frame.file_path or ""
    if frame.function == "select" and path.endswith("selectors.py"):
        return IDLE
    if path == "<built-in>":
        if frame.parent is not None and area_of(frame.parent) == IDLE:
            return IDLE  # epoll.poll under selectors' select
        for prefix, area in BUILTINS:
            if frame.function.startswith(prefix):
                return area
        return area_of(frame.parent) if frame.parent is not None else "C builtins"
    for needle, area in AREAS:
        if needle in path:
            return area
    return "other Python"


def is_ours(frame: Any) -> bool:
    path = str(frame.file_path or "")
    return path.startswith(str(REPO)) and "/.venv/" not in path and "site-packages" not in path


def _own(frame: Any) -> Any:
    """The real frame a synthetic one ([self], [await]) belongs to."""
    while frame is not None and frame.is_synthetic:
        frame = frame.parent
    return frame


def _label(frame: Any) -> str:
    path = str(frame.file_path or "")
    short = (
        path.removeprefix(str(REPO) + "/") if path.startswith(str(REPO)) else frame.file_path_short
    )
    return f"{frame.function} ({short}:{frame.line_no})"


def summarize(session_path: Path, top: int = 14, wrapper_share: float = 0.8) -> dict[str, Any]:
    """Self time by area, and our functions by inclusive time (leaving out the wrappers that
    every request passes through: more than ``wrapper_share`` of the busy time)."""
    from pyinstrument.session import Session

    session = Session.load(str(session_path))
    root = session.root_frame()
    if root is None:
        return {"duration_s": session.duration, "areas": [], "functions": []}
    areas: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()

    def walk(frame: Any, seen: frozenset[str]) -> None:
        children = list(frame.children)
        if not children:
            own = _own(frame)
            if own is not None:
                areas[area_of(own)] += frame.time
        else:
            self_time = frame.time - sum(c.time for c in children)
            if self_time > 0 and not frame.is_synthetic:
                areas[area_of(frame)] += self_time
        label = seen
        if not frame.is_synthetic and is_ours(frame) and not frame.function.startswith("<"):
            name = _label(frame)
            if name not in seen:  # count recursion once, at its outermost frame
                inclusive[name] += frame.time
                label = seen | {name}
        for child in children:
            walk(child, label)

    walk(root, frozenset())
    total = root.time
    busy = total - areas.get(IDLE, 0.0)
    return {
        "duration_s": total,
        "busy_s": busy,
        "areas": [
            {"area": a, "seconds": t, "share_of_busy": t / busy if busy and a != IDLE else None}
            for a, t in areas.most_common()
        ],
        "functions": [
            {"function": f, "seconds": t, "share_of_busy": t / busy if busy else None}
            for f, t in inclusive.most_common()
            if t <= wrapper_share * busy
        ][:top],
    }
