"""``python -m bench.codec_compare [--iterations N]``: the project's codec against pydantic.

Decodes and encodes one realistic contract document (the sweeps' "signing" template: two sellers,
two buyers, an open signing order, its audit events) with ``signing_flow.codec`` and with
pydantic's ``TypeAdapter(Contract)``, and prints the median µs per call of each. pydantic is
given the codec's document shape: ``_id`` for ``id`` through an alias generator, and the codec's
fixed-width times through ``json_encoders`` (deprecated, but the domain's dataclasses cannot carry
pydantic's serializers); the script checks that both decode to equal contracts and counts the
values where their documents differ. Also printed: the sweeps' partial decode and encode
(``backend/storage/sweeps.py``), which pydantic has no counterpart for.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import statistics
import time
import warnings
from collections.abc import Callable
from datetime import datetime
from typing import Any

from pydantic import ConfigDict, TypeAdapter

from backend.storage.sweeps import CONTRACT_UNDECODED, ORDER_UNDECODED
from bench.sweep_data import make_templates
from signing_flow import models
from signing_flow.codec import encode_time, from_doc, to_doc
from signing_flow.models import Contract, SigningOrder


def median_us(call: Callable[[], Any], iterations: int) -> float:
    for _ in range(min(200, iterations)):  # warm the caches and the converters
        call()
    times = []
    clock = time.perf_counter_ns
    for _ in range(iterations):
        started = clock()
        call()
        times.append(clock() - started)
    return statistics.median(times) / 1000


def differences(ours: Any, theirs: Any, path: str = "") -> list[str]:
    if isinstance(ours, dict) and isinstance(theirs, dict):
        out = []
        for key in sorted(set(ours) | set(theirs)):
            out += differences(ours.get(key), theirs.get(key), f"{path}.{key}")
        return out
    if isinstance(ours, list) and isinstance(theirs, list) and len(ours) == len(theirs):
        return [d for i, (a, b) in enumerate(zip(ours, theirs, strict=True)) for d in
                differences(a, b, f"{path}[{i}]")]  # fmt: skip
    return [] if ours == theirs else [f"{path}: {ours!r} vs {theirs!r}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=3000)
    n = parser.parse_args().iterations

    doc: dict[str, Any] = json.loads(asyncio.run(make_templates())["signing"].body)
    contract = from_doc(Contract, doc)
    config = ConfigDict(
        alias_generator=lambda name: "_id" if name == "id" else name,
        json_encoders={datetime: encode_time},  # the stored, fixed-width times
    )
    for value in vars(models).values():  # a stdlib dataclass takes pydantic's config this way
        if isinstance(value, type) and dataclasses.is_dataclass(value):
            value.__pydantic_config__ = config  # type: ignore[attr-defined]
    with warnings.catch_warnings():  # json_encoders is deprecated, and the only way here: the
        warnings.simplefilter("ignore")  # domain's types cannot carry pydantic's serializers
        adapter = TypeAdapter(Contract)

    decoded = adapter.validate_python(doc)
    assert decoded == contract, "pydantic decodes the document to another contract"
    encoded = adapter.dump_python(contract, mode="json", by_alias=True)
    diffs = differences(to_doc(contract), encoded)

    def sweep_round_trip() -> None:
        # What backend/storage/sweeps.py decodes of a contract: the head, the open order without its
        # parties, the last audit event; then it encodes the same back.
        partial = from_doc(
            Contract,
            {**doc, "orders": [], "events": doc["events"][-1:]},
            undecoded=CONTRACT_UNDECODED,
        )
        order = from_doc(SigningOrder, doc["orders"][-1], undecoded=ORDER_UNDECODED)
        to_doc(order, undecoded=ORDER_UNDECODED)
        to_doc(partial, undecoded=CONTRACT_UNDECODED)

    rows = [
        ("decode", lambda: from_doc(Contract, doc), lambda: adapter.validate_python(doc)),
        (
            "encode",
            lambda: to_doc(contract),
            lambda: adapter.dump_python(contract, mode="json", by_alias=True),
        ),
        (
            "round trip",
            lambda: to_doc(from_doc(Contract, doc)),
            lambda: adapter.dump_python(adapter.validate_python(doc), mode="json", by_alias=True),
        ),
    ]
    size = len(json.dumps(doc, ensure_ascii=False).encode())
    print(f"one contract: {size:,} bytes of JSON, {len(doc['events'])} events, {n:,} iterations")
    print(f"{'µs per call (median)':<22}{'codec':>10}{'pydantic':>10}{'pydantic/codec':>16}")
    for name, ours, theirs in rows:
        a, b = median_us(ours, n), median_us(theirs, n)
        print(f"{name:<22}{a:>10.1f}{b:>10.1f}{b / a:>15.2f}×")
    print(f"{'sweep round trip':<22}{median_us(sweep_round_trip, n):>10.1f}{'—':>10}")
    print(f"values where pydantic's document differs from the codec's: {len(diffs)}")
    for line in diffs[:3]:
        print(f"  {line}")


if __name__ == "__main__":
    main()
