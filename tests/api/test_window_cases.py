"""What the window screen reads: the open cases, and one contract's case with its minors and
what still stops it from going to review."""

from __future__ import annotations

from typing import Any

from backend.demo import DEMO_BUYERS, synthetic_id
from signing_flow.validators import mask_id_number
from tests.api.conftest import DEMO_BY_ID, Api, full_contract_fields, lookup, seller_fields
from tests.api.test_window import MINOR, Window, image, offline_contract, staff
from tests.conftest import FakeClock


async def test_a_case_lists_what_submit_would_refuse_and_marks_the_minor(
    agent: Api, anonymous: Api
) -> None:
    contract = await offline_contract(agent, buyers=[{**DEMO_BUYERS[0], "share_bp": 6000}, MINOR])
    window = Window(await staff(anonymous), contract["id"])
    before = await window.staff.get(f"{window.base}/case")
    assert before["case"] is None and before["missing"] == []
    assert before["business"] == "filing" and "filing-application" in before["forms"]
    await window.open()
    await window.everyone_appears(contract)
    view = await window.staff.get(f"{window.base}/case")
    assert {p["id"]: p["minor"] for p in view["parties"]} == {
        "s1": False,
        "s2": False,
        "b1": False,
        "b2": True,
    }
    missing = {(m["path"], m["code"]) for m in view["missing"]}
    refused = await window.staff.post(f"{window.base}/submit", expect=422)
    assert missing == {(f["path"], f["code"]) for f in refused["error"]["details"]["fields"]}
    assert ("parties.b2.parents", "BOTH_PARENTS_REQUIRED") in missing
    assert ("signed_pages", "MISSING") in missing
    await window.appear("b2", father_present=True, mother_present=True)
    await window.upload("parties/b2/documents/minor_guarantee", image())
    await window.upload("parties/b2/documents/kinship_proof", image())
    await window.upload("signed-pages", image(), method="POST")
    ready = await window.staff.get(f"{window.base}/case")
    assert ready["missing"] == [] and ready["case"]["signed_pages"] == 1
    minor = next(p for p in ready["parties"] if p["id"] == "b2")
    assert minor["appearance"]["documents"] == ["kinship_proof", "minor_guarantee"]
    await window.staff.post(f"{window.base}/submit")
    assert (await window.staff.get(f"{window.base}/case"))["case"]["in_review"] is True


async def test_the_case_view_masks_the_parties_id_numbers_and_phones(
    agent: Api, anonymous: Api
) -> None:
    contract = await offline_contract(agent)
    window = Window(await staff(anonymous), contract["id"])
    await window.open()
    proxy_id = synthetic_id("19850312", "517")
    proxy = {"proxy_name": "赵律师", "proxy_id_number": proxy_id, "poa_notarised": True}
    await window.staff.call("PUT", f"{window.base}/parties/s2/appearance", proxy, 200)
    text = str(await window.staff.get(f"{window.base}/case"))
    for p in contract["sellers"] + contract["buyers"]:
        assert p["id_number"] not in text and p["phone"] not in text
        assert mask_id_number(p["id_number"]) in text and mask_id_number(p["phone"]) in text
    assert proxy_id not in text  # the proxy's number is masked too

    async def on_file() -> tuple[bool, str | None]:
        view = await window.staff.get(f"{window.base}/case")
        a = next(p for p in view["parties"] if p["id"] == "s2")["appearance"]
        return a["proxy_id_on_file"], a["proxy_id_number_masked"]

    assert await on_file() == (True, mask_id_number(proxy_id))
    # Saved again without the number (the screen's 不修改则留空): the same proxy keeps it …
    del proxy["proxy_id_number"]
    await window.staff.call("PUT", f"{window.base}/parties/s2/appearance", proxy, 200)
    assert await on_file() == (True, mask_id_number(proxy_id))
    # … another proxy does not inherit it.
    await window.staff.call(
        "PUT", f"{window.base}/parties/s2/appearance", {**proxy, "proxy_name": "钱律师"}, 200
    )
    assert await on_file() == (False, None)


async def test_open_cases_are_listed_by_stage_until_decided(agent: Api, anonymous: Api) -> None:
    contract = await offline_contract(agent)
    window = Window(await staff(anonymous), contract["id"])
    assert (await window.staff.get("/api/v1/window/cases"))["items"] == []
    await window.open()
    preparing = await window.staff.get("/api/v1/window/cases?stage=preparing")
    assert [(c["number"], c["purpose"]) for c in preparing["items"]] == [
        (contract["number"], "filing")
    ]
    assert (await window.staff.get("/api/v1/window/cases?stage=in_review"))["items"] == []
    await window.everyone_appears(contract)
    await window.upload("signed-pages", image(), method="POST")
    await window.staff.post(f"{window.base}/submit")
    in_review = await window.staff.get("/api/v1/window/cases?stage=in_review")
    assert [c["contract_id"] for c in in_review["items"]] == [contract["id"]]
    assert (await window.staff.get("/api/v1/window/cases?stage=preparing"))["items"] == []
    await window.staff.post(f"{window.base}/approve")
    assert (await window.staff.get("/api/v1/window/cases"))["items"] == []
    bad = await window.staff.get("/api/v1/window/cases?stage=done", expect=422)
    assert bad["error"]["details"]["fields"][0]["path"] == "stage"


async def test_only_center_staff_look_up_window_cases(agent: Api, anonymous: Api) -> None:
    contract = await offline_contract(agent)
    for user in (agent, await anonymous.login("demo_agency")):
        for path in ("/api/v1/window/cases", f"/api/v1/window/contracts/{contract['id']}/case"):
            body = await user.get(path, expect=403)
            assert body["error"]["code"] == "ROLE_NOT_ALLOWED"


async def offline_on(agent: Api, prop_id: str) -> Any:
    fields = full_contract_fields(
        sellers=seller_fields(DEMO_BY_ID[prop_id]),
        channel="offline",
        fund_supervision={"enabled": False},
    )
    draft = await agent.post(
        "/api/v1/contracts", {"property": lookup(prop_id), **fields}, expect=201
    )
    return await agent.post(f"/api/v1/contracts/{draft['id']}/submit")


async def test_cases_waiting_for_review_come_first_the_longest_waiting_first(
    agent: Api, anonymous: Api, clock: FakeClock
) -> None:
    # Newest-first with a cap let cases still being prepared push the oldest reviews off the list.
    desk = await staff(anonymous)
    first = await offline_on(agent, "prop-joint")
    second = await offline_on(agent, "prop-sole")
    windows = [Window(desk, first["id"]), Window(desk, second["id"])]
    await windows[0].open()
    await windows[0].everyone_appears(first)
    await windows[0].upload("signed-pages", image(), method="POST")
    await desk.post(f"{windows[0].base}/submit")
    clock.advance(minutes=5)
    await windows[1].open()  # touched after the first went to review

    async def listed(query: str = "") -> list[tuple[str, bool]]:
        items = (await desk.get(f"/api/v1/window/cases{query}"))["items"]
        return [(c["contract_id"], c["in_review"]) for c in items]

    assert await listed() == [(first["id"], True), (second["id"], False)]
    await windows[1].everyone_appears(second)
    clock.advance(minutes=5)
    await windows[1].upload("signed-pages", image(), method="POST")
    await desk.post(f"{windows[1].base}/submit")
    assert await listed("?stage=in_review") == [(first["id"], True), (second["id"], True)]
