"""Dataclasses ⇄ plain documents, the shape both stores keep.

Times are stored as fixed-width UTC strings so that the two stores compare them the same way
(lexicographic order equals time order); the dataclass field ``id`` is the document's ``_id``.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import UTC, date, datetime
from enum import Enum
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")
Doc = dict[str, Any]

_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%f+00:00"


def encode_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime(_TIME_FORMAT)


def decode_time(value: str) -> datetime:
    return datetime.fromisoformat(value)


def to_doc(obj: Any) -> Doc:
    encoded = _encode(obj)
    assert isinstance(encoded, dict)
    return encoded


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {}
        for f in dataclasses.fields(value):
            out["_id" if f.name == "id" else f.name] = _encode(getattr(value, f.name))
        return out
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return encode_time(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    return value


@cache
def _fields(cls: Any) -> tuple[tuple[str, str, Any], ...]:
    """(attribute, document key, type) for each field of a dataclass."""
    hints = typing.get_type_hints(cls)
    return tuple(
        (f.name, "_id" if f.name == "id" else f.name, hints[f.name])
        for f in dataclasses.fields(cls)
    )


def from_doc(cls: type[T], doc: Doc) -> T:
    fields = _fields(typing.cast(Any, cls))
    kwargs = {name: _decode(tp, doc[key]) for name, key, tp in fields if key in doc}
    return cls(**kwargs)


def _decode(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return _decode(inner[0], value)
    if origin is list:
        (item,) = typing.get_args(tp)
        return [_decode(item, v) for v in value]
    if origin is dict:
        _, item = typing.get_args(tp)
        return {k: _decode(item, v) for k, v in value.items()}
    if isinstance(tp, type):
        if dataclasses.is_dataclass(tp):
            return from_doc(tp, value)
        if issubclass(tp, Enum):
            return tp(value)
        if tp is datetime:
            return decode_time(value)
        if tp is date:
            return date.fromisoformat(value)
    return value
