"""The writer queue: one writer at a time per contract in a process, in the order they came."""

from __future__ import annotations

import asyncio

import pytest

from backend.storage.writer_queue import WriterQueue


async def test_writers_of_one_contract_take_turns_in_arrival_order() -> None:
    queue, log = WriterQueue(), []

    async def writer(name: str) -> None:
        async with queue.turn("c1"):
            log.append(f"{name} reads")
            await asyncio.sleep(0.01)  # the store round trips between the read and the write
            log.append(f"{name} writes")

    await asyncio.gather(*(writer(n) for n in "abc"))
    assert log == ["a reads", "a writes", "b reads", "b writes", "c reads", "c writes"]


async def test_writers_of_different_contracts_do_not_wait_for_each_other() -> None:
    queue = WriterQueue()
    inside = asyncio.Event()

    async def holder() -> None:
        async with queue.turn("c1"):
            await inside.wait()

    task = asyncio.create_task(holder())
    await asyncio.sleep(0)
    async with asyncio.timeout(1):
        async with queue.turn("c2"):
            inside.set()
    await task


async def test_a_contract_is_forgotten_when_its_last_writer_leaves() -> None:
    queue = WriterQueue()
    async with queue.turn("c1"):
        pass
    with pytest.raises(RuntimeError):
        async with queue.turn("c1"):
            raise RuntimeError("a write that failed")
    assert not queue._locks and not queue._waiting
