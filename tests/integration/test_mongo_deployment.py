"""A deployment on MongoDB: several processes on one database, the database going away, and the
store's mode (plain MongoDB or FerretDB) chosen by the URL or by asking the server."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from backend.app import create_app
from backend.demo import seed_demo
from backend.settings import Settings
from backend.storage import open_store, store_mode
from backend.storage.ferretdb import FerretDBStore
from backend.storage.mongo import UNAVAILABLE, MongoStore
from miniapp_mock.services import SANDBOX_COLLECTIONS
from tests.api.conftest import SOLE, Api, ClientFactory, Phone, qr_url, submitted_contract
from tests.mongo_server import (
    FerretDBServer,
    ferretdb_url_for_test,
    free_port,
    in_ferretdb_mode,
    mongo_url_for_test,
    private_ferretdb,
)


@pytest.fixture
def mongo_url(request: pytest.FixtureRequest) -> str:
    return mongo_url_for_test(request)


async def instance(aiohttp_client: ClientFactory, url: str, key_dir: Path) -> TestClient[Any, Any]:
    """One app process of a deployment: its own memory, the shared database and signing key."""
    settings = Settings(store_url=url, key_dir=str(key_dir), scheduler=False)
    return await aiohttp_client(create_app(settings))


@pytest.fixture
async def two_instances(
    aiohttp_client: ClientFactory, mongo_url: str, tmp_path: Path
) -> AsyncIterator[tuple[TestClient[Any, Any], TestClient[Any, Any]]]:
    async with open_store(mongo_url, SANDBOX_COLLECTIONS) as store:
        await seed_demo(store)
    yield (
        await instance(aiohttp_client, mongo_url, tmp_path),
        await instance(aiohttp_client, mongo_url, tmp_path),
    )


async def test_a_long_poll_on_one_instance_sees_a_party_act_through_another(
    two_instances: tuple[TestClient[Any, Any], TestClient[Any, Any]],
) -> None:
    one, other = two_instances
    agent = await Api(one).login("agent_li")
    contract = await submitted_contract(agent)
    order = await agent.post(f"/api/v1/contracts/{contract['id']}/signing-orders", expect=201)
    url = await qr_url(agent, order["id"], "s1")
    poll = asyncio.create_task(
        agent.get(f"/api/v1/signing-orders/{order['id']}?wait=15&version={order['version']}")
    )
    await asyncio.sleep(0.2)
    assert not poll.done()
    await Phone(other).scan(url)  # through the other instance
    body = await asyncio.wait_for(poll, 5)
    assert body["parties"][0]["step"] == "opened"


async def test_two_instances_racing_for_one_property_make_one_contract(
    two_instances: tuple[TestClient[Any, Any], TestClient[Any, Any]],
) -> None:
    one, other = two_instances
    agents = [await Api(one).login("agent_li"), await Api(other).login("agent_wang")]
    results = await asyncio.gather(
        *(a.call("POST", "/api/v1/contracts", {"property": SOLE}) for a in agents)
    )
    assert sorted(status for status, _ in results) == [201, 409]
    conflict = next(body for status, body in results if status == 409)
    assert conflict["error"]["code"] == "PROPERTY_HAS_ACTIVE_CONTRACT"


@pytest.fixture
def ferretdb(request: pytest.FixtureRequest) -> FerretDBServer:
    return private_ferretdb(request)


async def test_the_service_answers_503_while_the_database_is_down_and_recovers_by_itself(
    aiohttp_client: ClientFactory,
    ferretdb: FerretDBServer,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = in_ferretdb_mode(ferretdb.url("wangqian_faults"))
    async with open_store(url, SANDBOX_COLLECTIONS) as store:
        await seed_demo(store)
    client = await instance(aiohttp_client, url, tmp_path)
    agent = await Api(client).login("agent_li")
    await Api(client).get("/readyz")

    ferretdb.stop()
    ready = await Api(client).get("/readyz", expect=503)
    assert ready == {"status": "unavailable"}
    resp = await client.post("/api/v1/contracts", json={"property": SOLE}, headers=agent.headers())
    assert resp.status == 503 and resp.headers["Retry-After"] == "1"
    error = (await resp.json())["error"]
    assert error["code"] == "STORE_UNAVAILABLE"
    # plain: not the server's address, nor the driver's timeouts and topology, which are logged
    assert (error["message"], error["details"]) == (UNAVAILABLE, {})
    port = url.split("//", 1)[1].split("/", 1)[0].rsplit(":", 1)[1]
    assert port in caplog.text and "Topology" in caplog.text

    ferretdb.start()
    for _ in range(50):
        if (await client.get("/readyz")).status == 200:
            break
        await asyncio.sleep(0.2)
    await Api(client).get("/readyz")
    # Nothing was half-written: the property is still free, and the agent's session still works.
    assert (await agent.get("/api/v1/contracts"))["items"] == []
    await agent.post("/api/v1/contracts", {"property": SOLE}, expect=201)


def test_an_unreachable_database_at_start_stops_the_service_with_a_clear_message(
    tmp_path: Path,
) -> None:
    env = {
        **os.environ,
        "WANGQIAN_STORE": f"mongodb://127.0.0.1:{free_port()}/wangqian",
        "WANGQIAN_KEY_DIR": str(tmp_path),
        "WANGQIAN_SCHEDULER": "off",
    }
    done = subprocess.run(
        [sys.executable, "-m", "backend.cli", "serve", "--port", str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert "cannot reach MongoDB at 127.0.0.1" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_store_url_names_the_mode_and_keeps_its_other_options_as_written() -> None:
    url = "mongodb://h1,h2/wangqian?replicaSet=rs0&wangqianMode=FerretDB&readPreferenceTags=dc:ny,rack:1"
    assert store_mode(url) == (
        "ferretdb",
        "mongodb://h1,h2/wangqian?replicaSet=rs0&readPreferenceTags=dc:ny,rack:1",
    )
    assert store_mode("mongodb://h/wangqian?wangqianmode=mongodb") == (
        "mongodb",
        "mongodb://h/wangqian",
    )
    assert store_mode("mongodb://h/wangqian") == ("auto", "mongodb://h/wangqian")
    with pytest.raises(ValueError, match="wangqianMode='ferret'"):
        store_mode("mongodb://h/wangqian?wangqianMode=ferret")


async def sequence_claims_after_a_draw(store: MongoStore) -> int:
    await store.next_sequence("contract_number")
    return await store.db["sequence_claims"].count_documents({})


@pytest.fixture
def ferretdb_url(request: pytest.FixtureRequest) -> str:
    return ferretdb_url_for_test(request)


async def test_on_ferretdb_the_mode_is_detected_and_logged_once(
    ferretdb_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="wangqian.storage"):
        async with open_store(ferretdb_url) as store:
            assert isinstance(store, FerretDBStore)
            assert await sequence_claims_after_a_draw(store) == 1  # drawn by claiming
    modes = [r.getMessage() for r in caplog.records if r.name == "wangqian.storage"]
    assert len(modes) == 1 and modes[0].startswith("store mode ferretdb (detected;")


async def test_the_configured_mode_overrides_detection(
    ferretdb_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="wangqian.storage"):
        async with open_store(f"{ferretdb_url}?wangqianMode=mongodb") as store:
            assert type(store) is MongoStore
            assert await sequence_claims_after_a_draw(store) == 0  # the plain $inc counter
        async with open_store(in_ferretdb_mode(ferretdb_url)) as store:
            assert isinstance(store, FerretDBStore)
    modes = [r.getMessage() for r in caplog.records if r.name == "wangqian.storage"]
    assert [m.split(";")[0] for m in modes] == [
        "store mode mongodb (configured",
        "store mode ferretdb (configured",
    ]


async def test_the_service_takes_the_mode_from_wangqian_store(
    aiohttp_client: ClientFactory,
    ferretdb_url: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    env = {"WANGQIAN_STORE": f"{ferretdb_url}?wangqianMode=mongodb", "WANGQIAN_SCHEDULER": "off"}
    settings = Settings.from_env({**env, "WANGQIAN_KEY_DIR": str(tmp_path)})
    with caplog.at_level(logging.INFO, logger="wangqian.storage"):
        client = await aiohttp_client(create_app(settings))
        await Api(client).get("/readyz")
    modes = [r.getMessage() for r in caplog.records if r.name == "wangqian.storage"]
    assert [m.split(";")[0] for m in modes] == ["store mode mongodb (configured"]
