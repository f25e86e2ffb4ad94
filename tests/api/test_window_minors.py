"""Who is a minor at the window (guide §3.2 (六)): the birth date in any GB 11643-shaped number
— 居民身份证, 港澳台居民居住证, the 2023 外国人永久居留身份证 — and, for a passport or 通行证
that carries none, what staff found at the counter."""

from __future__ import annotations

from typing import Any

from backend.demo import DEMO_BUYERS, synthetic_id
from tests.api.conftest import Api
from tests.api.test_window import Window, image, offline_contract, staff


def minor_buyer(id_type: str, id_number: str) -> dict[str, Any]:
    return {
        "name": "小明",
        "id_type": id_type,
        "id_number": id_number,
        "phone": "13800138009",
        "share_bp": 4000,
    }


async def case_of(agent: Api, anonymous: Api, buyer: dict[str, Any]) -> tuple[Window, Any]:
    buyers = [{**DEMO_BUYERS[0], "share_bp": 6000}, buyer]
    contract = await offline_contract(agent, buyers=buyers)
    window = Window(await staff(anonymous), contract["id"])
    await window.open()
    await window.everyone_appears(contract)
    await window.upload("signed-pages", image(), method="POST")
    return window, contract


def party(view: Any, party_id: str) -> Any:
    return next(p for p in view["parties"] if p["id"] == party_id)


async def test_a_residence_permit_holder_under_18_is_a_minor(agent: Api, anonymous: Api) -> None:
    permit = synthetic_id("20150601", "314", region="810000")
    window, _ = await case_of(agent, anonymous, minor_buyer("hmt_residence_permit", permit))
    view = await window.staff.get(f"{window.base}/case")
    b2 = party(view, "b2")
    assert (b2["minor"], b2["birth_date_on_document"]) == (True, True)
    assert ("parties.b2.parents", "BOTH_PARENTS_REQUIRED") in {
        (m["path"], m["code"]) for m in view["missing"]
    }
    await window.staff.post(f"{window.base}/submit", expect=422)


async def test_a_foreign_permanent_resident_under_18_is_a_minor(agent: Api, anonymous: Api) -> None:
    card = synthetic_id("20150601", "314", region="944840")  # the 2023 18-digit card
    window, _ = await case_of(agent, anonymous, minor_buyer("foreign_permanent_residence", card))
    b2 = party(await window.staff.get(f"{window.base}/case"), "b2")
    assert (b2["minor"], b2["birth_date_on_document"]) == (True, True)


async def test_staff_mark_a_passport_holder_as_a_minor(agent: Api, anonymous: Api) -> None:
    window, _ = await case_of(agent, anonymous, minor_buyer("passport", "E12345678"))
    b2 = party(await window.staff.get(f"{window.base}/case"), "b2")
    assert (b2["minor"], b2["birth_date_on_document"]) == (False, False)
    await window.appear("b2", minor=True)
    view = await window.staff.get(f"{window.base}/case")
    assert party(view, "b2")["minor"] is True
    assert party(view, "b2")["appearance"]["minor"] is True
    missing = {(m["path"], m["code"]) for m in view["missing"]}
    assert ("parties.b2.minor_guarantee", "MISSING") in missing
    await window.staff.post(f"{window.base}/submit", expect=422)
    await window.appear("b2", minor=False)
    assert (await window.staff.post(f"{window.base}/submit"))["status"] == "window_review"


async def test_the_staff_flag_does_not_override_a_birth_date(agent: Api, anonymous: Api) -> None:
    window, _ = await case_of(agent, anonymous, {**DEMO_BUYERS[1], "share_bp": 4000})
    await window.appear("b2", minor=True)
    assert party(await window.staff.get(f"{window.base}/case"), "b2")["minor"] is False
    assert (await window.staff.post(f"{window.base}/submit"))["status"] == "window_review"
