"""Dataclasses ⇄ plain documents, the shape both stores keep.

Times are stored as fixed-width UTC strings so that the two stores compare them the same way
(lexicographic order equals time order); the dataclass field ``id`` is the document's ``_id``.

Why our own and not pydantic's ``TypeAdapter`` (measured 2026-11-29, one core of a shared
machine, µs per call, best of 15 rounds, the bench's draft (2 KB) / signing (6 KB) contracts):

    ====================================  ===========  ============
    per contract                           this codec   TypeAdapter
    ====================================  ===========  ============
    whole round trip (decode + encode)     42 / 101     21 / 45
    decode alone                           23 / 50      10 / 22
    the sweeps' partial round trip         19 / 20      15 / 15
    ====================================  ===========  ============

TypeAdapter is faster, and still not usable as it stands: its JSON dump writes times as
``2026-03-10T02:00:00Z`` (no fixed width: ``Z`` and ``.`` sort apart, so the stores' range
queries on deadlines would break, and every stored document would change format), it cannot be
given the ``id`` ⇄ ``_id`` alias for stdlib dataclasses except by pydantic config on each domain
class, and the domain imports no pydantic. (The TypeAdapter figures above are with ``_id``
renamed beforehand and with its own time format, i.e. optimistic.) Switching would mean a codec
behind the storage adapter with custom serializers, measured again; the sweeps, the one place
the codec limits a target, gain 5 µs per contract of about 140.
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


def to_doc(obj: Any, *, undecoded: frozenset[str] = frozenset()) -> Doc:
    """The document of a dataclass; fields named in ``undecoded`` (see ``from_doc``) are left
    out, for the caller to put back as they were stored."""
    encoded = (
        _dataclass_encoder(typing.cast(Any, type(obj)), undecoded)(obj)
        if undecoded
        else _encode(obj)
    )
    assert isinstance(encoded, dict)
    return encoded


def from_doc(cls: type[T], doc: Doc, *, undecoded: frozenset[str] = frozenset()) -> T:
    """The dataclass of a document. Fields named in ``undecoded`` are not decoded: they hold
    ``UNDECODED``, which refuses any use. So a partial object (the sweeps') holds nothing raw,
    and a rule that reads a field left out fails at once instead of reading a stored document."""
    tp = typing.cast(Any, cls)
    decode = _dataclass_decoder(tp, undecoded) if undecoded else _decoder(tp)
    return typing.cast(T, decode(doc))


class NotDecoded(RuntimeError):
    """A partial decode left this field out: whoever reads it must have it decoded."""


class _Undecoded:
    """What a field left out by a partial decode holds: any use raises ``NotDecoded``."""

    __slots__ = ()
    __hash__ = None  # type: ignore[assignment]

    def _refuse(self, *_: Any) -> typing.NoReturn:
        raise NotDecoded("a field the partial decode left out was read; decode it first")

    __getattr__ = __getitem__ = __iter__ = __len__ = __bool__ = __contains__ = _refuse
    __eq__ = __lt__ = __le__ = __gt__ = __ge__ = _refuse

    def __repr__(self) -> str:
        return "UNDECODED"


UNDECODED: Any = _Undecoded()


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
def _dataclass_encoder(tp: Any, undecoded: frozenset[str]) -> Convert:
    hints = typing.get_type_hints(tp)
    plain, converted = [], []
    for f in dataclasses.fields(tp):
        key = "_id" if f.name == "id" else f.name
        if f.name in undecoded:
            continue
        encode = _encoder(hints[f.name])
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
def _dataclass_decoder(tp: Any, undecoded: frozenset[str]) -> Convert:
    hints = typing.get_type_hints(tp)
    fields = [
        (f.name, "_id" if f.name == "id" else f.name, _decoder(hints[f.name]))
        for f in dataclasses.fields(tp)
        if f.name not in undecoded
    ]
    if not undecoded:
        return lambda doc: tp(
            **{name: decode(doc[key]) for name, key, decode in fields if key in doc}
        )
    left_out = [f.name for f in dataclasses.fields(tp) if f.name in undecoded]

    def decode_partly(doc: Doc) -> Any:
        values = {name: decode(doc[key]) for name, key, decode in fields if key in doc}
        for name in left_out:
            if name in doc:
                values[name] = UNDECODED
        return tp(**values)

    return decode_partly
