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


def encode_time(value: datetime) -> str:
    """Always ``YYYY-MM-DDTHH:MM:SS.ffffff+00:00``: 32 characters, ordered like the times."""
    if value.tzinfo is not UTC:  # what we decode and what the clocks give is UTC already
        value = value.astimezone(UTC)
    return value.isoformat(timespec="microseconds")


def decode_time(value: str) -> datetime:
    return datetime.fromisoformat(value)


def to_doc(obj: Any, *, as_stored: frozenset[str] = frozenset()) -> Doc:
    """The document of a dataclass; fields named in ``as_stored`` hold their stored documents
    (see ``from_doc``) and are written back as they are."""
    encoded = (
        _dataclass_encoder(typing.cast(Any, type(obj)), as_stored)(obj)
        if as_stored
        else _encode(obj)
    )
    assert isinstance(encoded, dict)
    return encoded


def from_doc(cls: type[T], doc: Doc, *, as_stored: frozenset[str] = frozenset()) -> T:
    """The dataclass of a document. Fields named in ``as_stored`` are left as the stored
    documents, undecoded: a partial object, for code that neither reads nor changes them (the
    sweeps), to be written back with ``to_doc`` and the same ``as_stored``."""
    tp = typing.cast(Any, cls)
    decode = _dataclass_decoder(tp, as_stored) if as_stored else _decoder(tp)
    return typing.cast(T, decode(doc))


# Converters are built once per type and cached: the sweeps decode and encode every contract
# they touch, and walking type hints per value cost more than the JSON parsing itself.

Convert = typing.Callable[[Any], Any]


def _identity(value: Any) -> Any:
    return value


def _encode(value: Any) -> Any:
    """Encode by the value's runtime type (for fields typed ``Any`` and for the top level)."""
    encoder = _ENCODERS.get(type(value))
    if encoder is None:
        encoder = _ENCODERS[type(value)] = _encoder(typing.cast(Any, type(value)))
    return encoder(value)


_ENCODERS: dict[type, Convert] = {}
_SCALARS = (str, int, float, bool, type(None))


@cache
def _encoder(tp: Any) -> Convert:
    """The encoder for a declared type; plain fields are copied without a call per value."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [a for a in typing.get_args(tp) if a is not type(None)]
        encode = _encoder(inner)
        return _identity if encode is _identity else lambda v: None if v is None else encode(v)
    if origin is list:
        item = _encoder(typing.get_args(tp)[0])
        return list if item is _identity else lambda v: [item(x) for x in v]
    if origin is dict:
        value = _encoder(typing.get_args(tp)[1])
        return dict if value is _identity else lambda v: {k: value(x) for k, x in v.items()}
    if tp in _SCALARS:
        return _identity
    if not isinstance(tp, type):
        return _encode  # Any: decided per value
    if dataclasses.is_dataclass(tp):
        return _dataclass_encoder(tp, frozenset())
    if issubclass(tp, Enum):
        return lambda e: e.value
    if issubclass(tp, datetime):
        return encode_time
    if issubclass(tp, date):
        return date.isoformat
    if issubclass(tp, list | tuple):
        return lambda items: [_encode(v) for v in items]
    if issubclass(tp, dict):
        return lambda mapping: {k: _encode(v) for k, v in mapping.items()}
    return _identity


@cache
def _decoder(tp: Any) -> Convert:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [a for a in typing.get_args(tp) if a is not type(None)]
        decode = _decoder(inner)
        return lambda v: None if v is None else decode(v)
    if origin is list:
        item = _decoder(typing.get_args(tp)[0])
        return list if item is _identity else lambda v: [item(x) for x in v]
    if origin is dict:
        value = _decoder(typing.get_args(tp)[1])
        return dict if value is _identity else lambda v: {k: value(x) for k, x in v.items()}
    if not isinstance(tp, type):
        return _identity
    if dataclasses.is_dataclass(tp):
        return _dataclass_decoder(tp, frozenset())
    if issubclass(tp, Enum):
        return tp
    if tp is datetime:
        return decode_time
    if tp is date:
        return date.fromisoformat
    return _identity


@cache
def _dataclass_encoder(tp: Any, as_stored: frozenset[str]) -> Convert:
    hints = typing.get_type_hints(tp)
    plain, converted = [], []
    for f in dataclasses.fields(tp):
        key = "_id" if f.name == "id" else f.name
        encode = _identity if f.name in as_stored else _encoder(hints[f.name])
        if encode is _identity:
            plain.append((f.name, key))
        else:
            converted.append((f.name, key, encode))

    def encode_dataclass(obj: Any) -> Doc:
        out = {key: getattr(obj, name) for name, key in plain}
        for name, key, encode in converted:
            out[key] = encode(getattr(obj, name))
        return out

    return encode_dataclass


@cache
def _dataclass_decoder(tp: Any, as_stored: frozenset[str]) -> Convert:
    hints = typing.get_type_hints(tp)
    fields = [
        (
            f.name,
            "_id" if f.name == "id" else f.name,
            _identity if f.name in as_stored else _decoder(hints[f.name]),
        )
        for f in dataclasses.fields(tp)
    ]
    return lambda doc: tp(**{name: decode(doc[key]) for name, key, decode in fields if key in doc})
