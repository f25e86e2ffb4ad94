"""The unit of work: one writer at a time per document in a process, in the order they came."""

from __future__ import annotations

import asyncio
from contextlib import AbstractAsyncContextManager
from dataclasses import replace
from typing import Any

import pytest

from backend.storage.writer_queue import WriterQueue
from signing_flow.ports import Doc, DocumentStore, Ports
from signing_flow.usecases import party as party_steps
from signing_flow.usecases.signing import party_qr_link
from tests.integration.test_jobs import AGENT, signing_contract
from tests.integration.test_jobs import ports as ports  # the fixture, shared with the jobs' tests


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


class CountingStore:
    """A store that counts the reads of token pointers and records each unit of work."""

    def __init__(self, inner: DocumentStore) -> None:
        self.inner = inner
        self.token_reads = 0
        self.turns: list[tuple[str, str]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def get(self, collection: str, doc_id: str) -> Doc | None:
        self.token_reads += collection == "tokens"
        return await self.inner.get(collection, doc_id)

    def writing(self, collection: str, doc_id: str) -> AbstractAsyncContextManager[None]:
        self.turns.append((collection, doc_id))
        return self.inner.writing(collection, doc_id)


async def test_each_store_lets_the_writers_of_one_document_take_turns(
    store: DocumentStore,
) -> None:
    log: list[str] = []

    async def writer(name: str) -> None:
        async with store.writing("contracts", "c1"):
            log.append(f"{name} reads")
            await asyncio.sleep(0.01)
            log.append(f"{name} writes")

    await asyncio.gather(writer("a"), writer("b"))
    assert log == ["a reads", "a writes", "b reads", "b writes"]


async def test_a_party_step_reads_its_token_once_and_takes_its_turn_on_its_contract(
    ports: Ports,
) -> None:
    contract_id, order_id = await signing_contract(ports)
    link = await party_qr_link(ports, AGENT, order_id, "s1")
    origin = party_steps.Requester()
    session, ctx = await party_steps.open_session(ports, link.url.split("token=")[1], origin)
    counting = CountingStore(ports.store)
    await party_steps.review(
        replace(ports, store=counting), session, origin, ctx.order.document_sha256
    )
    assert counting.token_reads == 1
    assert counting.turns == [("contracts", contract_id)]


async def test_police_verification_and_authorize_read_their_token_once(ports: Ports) -> None:
    """Both read the party before calling out (police, face), then write: one pointer read."""
    contract_id, order_id = await signing_contract(ports)
    link = await party_qr_link(ports, AGENT, order_id, "s1")
    origin = party_steps.Requester()
    session, ctx = await party_steps.open_session(ports, link.url.split("token=")[1], origin)
    await party_steps.review(ports, session, origin, ctx.order.document_sha256)
    await party_steps.confirm(ports, session, origin)
    counting = CountingStore(ports.store)
    counted = replace(ports, store=counting)
    await party_steps.verify_identity(counted, session, origin, ctx.party.name, ctx.party.id_number)
    assert counting.token_reads == 1
    ctx = await party_steps.authorize(counted, session, origin, "match")
    assert ctx.party.receipt is not None
    assert counting.token_reads == 2
    assert counting.turns == [("contracts", contract_id)] * 2
