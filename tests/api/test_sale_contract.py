"""The sale contract's parts over the API (issue 21, docs/contract.md): what is sent is what is
read back, with a label for every choice; a part named in a PATCH replaces that part only; bad
values are refused with their paths; the registry fills what it knows. Contracts stored before
the parts existed: test_contracts_before_sale_terms."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from backend.demo import (
    DEMO_BUYERS,
    SIMULATE_PROPERTIES,
    contract_terms,
    demo_scenario,
    seller_fields,
)
from miniapp_mock.scenario import contract_body
from signing_flow.deadlines import CITY_TZ
from signing_flow.sale_contract import SALE_PARTS
from tests.api.accounts_helpers import image
from tests.api.conftest import DEMO_BY_ID, SOLE, TWO_BY_SHARES, Api, lookup
from tests.api.store_dump import everything
from tests.conftest import FakeClock


def sale_parts_of(body: dict[str, Any]) -> dict[str, Any]:
    return {name: body[name] for name in SALE_PARTS}


def without_labels(value: Any) -> Any:
    """A response's values as a request sends them: labels and empty fields dropped, taxes as
    fee → bearer."""
    if isinstance(value, dict):
        out = {
            k: without_labels(v)
            for k, v in value.items()
            if not k.endswith(("_label", "_labels")) and k != "taxes" and v is not None
        }
        if "taxes" in value:
            out["taxes"] = {t["fee"]: t["bearer"] for t in value["taxes"]}
        return out
    if isinstance(value, list):
        return [without_labels(v) for v in value]
    return value


def problems(body: Any) -> set[tuple[str, str]]:
    return {(f["path"], f["code"]) for f in body["error"]["details"]["fields"]}


async def the_demo_contract(agent: Api) -> Any:
    """The issue's demo: joint sellers, two buyers by shares, a commercial loan, CCB."""
    joint = DEMO_BY_ID["prop-joint"]
    body = {"property": lookup("prop-joint"), "sellers": seller_fields(joint), **TWO_BY_SHARES}
    return await agent.post("/api/v1/contracts", {**body, **contract_terms()}, expect=201)


async def test_every_part_reads_back_as_it_was_sent_with_a_label_for_every_choice(
    agent: Api,
) -> None:
    created = await the_demo_contract(agent)
    read = await agent.get(f"/api/v1/contracts/{created['id']}")
    assert read == created
    assert without_labels(sale_parts_of(read)) == sale_parts_of(contract_terms())

    terms, payment = read["property_terms"], read["payment"]
    assert (terms["use_label"], terms["nature_label"]) == ("住宅", "商品房")
    assert payment["loan"]["kind_label"] == "商业贷款"
    assert payment["loan_shortfall_label"].startswith("乙方应于收到银行不予贷款")
    assert [(t["fee_label"], t["bearer_label"]) for t in read["taxes"]][:2] == [
        ("契税", "全部由乙方承担"),
        ("增值税及附加", "全部由甲方承担"),
    ]
    assert [t["fee"] for t in read["taxes"]] == [
        "deed_tax",
        "vat",
        "income_tax",
        "stamp_duty",
        "registration_fee",
        "agency_fee",
    ]
    assert read["transfer"]["delivery_conditions_labels"][0] == "甲方将房屋钥匙及门禁卡交付乙方"
    assert read["breach"]["late_payment"]["mode_label"] == "按日计付违约金"
    assert read["breach"]["deposit_rule_label"].startswith("给付定金的乙方不履行债务")
    assert read["dispute_label"] == "提交中山仲裁委员会仲裁"
    assert "\n" in read["supplementary_terms"] and "\n" in read["annexes"][0]["text"]


async def test_a_patch_naming_one_part_replaces_that_part_and_leaves_the_others(
    agent: Api,
) -> None:
    created = await the_demo_contract(agent)
    court = {"dispute": "court", "breach": {"late_payment": {"mode": "fixed_sum"}}}
    body = await agent.patch(f"/api/v1/contracts/{created['id']}", court)
    assert body["dispute_label"] == "依法向房屋所在地人民法院起诉"
    # The part named is replaced whole: what the PATCH left out of it is now empty.
    assert body["breach"]["late_payment"] == {
        "mode": "fixed_sum",
        "mode_label": "一次性支付违约金",
        "daily_rate_bp": None,
        "fixed_fen": None,
    }
    assert body["breach"]["terminate_after_days"] is None
    for name in SALE_PARTS - {"dispute", "breach"}:
        assert body[name] == created[name], name
    cleared = await agent.patch(f"/api/v1/contracts/{created['id']}", {"annexes": None})
    assert cleared["annexes"] == [] and cleared["payment"] == created["payment"]


async def test_values_outside_the_vocabulary_and_bounds_are_refused_with_their_paths(
    agent: Api, client: TestClient[Any, Any]
) -> None:
    before = await everything(client)
    body = await agent.post(
        "/api/v1/contracts",
        {
            "property": SOLE,
            "property_terms": {"use": "castle", "lease": {"tenant_notice": "ignored"}},
            "payment": {"loan": {"kind": "gold", "amount_fen": -1}, "loan_shortfall": "pray"},
            "taxes": {"deed_tax": "nobody"},
            "transfer": {"delivery_conditions": ["keys", "pony"]},
            "breach": {"late_payment": {"mode": "weekly", "daily_rate_bp": 10_001}},
            "dispute": "duel",
            "supplementary_terms": "x" * 2001,
            "annexes": [{"name": "清单", "file_id": "../../etc/passwd"}],
        },
        expect=422,
    )
    assert problems(body) >= {
        ("property_terms.use", "LITERAL_ERROR"),
        ("property_terms.lease.tenant_notice", "LITERAL_ERROR"),
        ("payment.loan.kind", "LITERAL_ERROR"),
        ("payment.loan.amount_fen", "GREATER_THAN_EQUAL"),
        ("payment.loan_shortfall", "LITERAL_ERROR"),
        ("taxes.deed_tax", "LITERAL_ERROR"),
        ("transfer.delivery_conditions[1]", "LITERAL_ERROR"),
        ("breach.late_payment.mode", "LITERAL_ERROR"),
        ("breach.late_payment.daily_rate_bp", "LESS_THAN_EQUAL"),
        ("dispute", "LITERAL_ERROR"),
        ("supplementary_terms", "TOO_LONG"),
        ("annexes[0].file_id", "STRING_PATTERN_MISMATCH"),
    }
    unknown_fee = await agent.post(
        "/api/v1/contracts", {"property": SOLE, "taxes": {"window_tax": "buyer"}}, expect=422
    )
    assert {p.split(".")[0] for p, _ in problems(unknown_fee)} == {"taxes"}
    assert await everything(client) == before


async def test_free_text_keeps_line_breaks_and_refuses_invisible_characters(agent: Api) -> None:
    bidi = "甲方承担\u202e费税"
    body = await agent.post(
        "/api/v1/contracts",
        {
            "property": SOLE,
            "supplementary_terms": bidi,
            "annexes": [{"name": "清单", "text": "第一行\x07"}],
        },
        expect=422,
    )
    assert problems(body) == {("supplementary_terms", "INVALID"), ("annexes[0].text", "INVALID")}
    ok = await agent.post(
        "/api/v1/contracts", {"property": SOLE, "supplementary_terms": "一、…\n二、…"}, expect=201
    )
    assert ok["supplementary_terms"] == "一、…\n二、…"


async def test_the_verified_listing_and_the_contract_show_what_the_registry_records(
    agent: Api,
) -> None:
    verified = await agent.post("/api/v1/properties/verify", lookup("prop-sole-2"))
    found = verified["property"]
    assert (found["use"], found["use_label"], found["mortgaged"], found["leased"]) == (
        "residential",
        "住宅",
        True,
        False,
    )
    draft = await agent.post("/api/v1/contracts", {"property": lookup("prop-sole-2")}, expect=201)
    assert draft["property"]["mortgaged"] is True and draft["property"]["use_label"] == "住宅"
    # A draft created without property_terms starts from the registry.
    assert draft["property_terms"]["mortgage"]["mortgaged"] is True
    assert draft["property_terms"]["lease"]["leased"] is False
    assert draft["property_terms"]["use"] == "residential"


async def test_the_registry_fills_what_a_partial_property_terms_left_empty(agent: Api) -> None:
    given = {"nature": "commodity", "lease": {"tenant_notice": "waived"}}
    draft = await agent.post(
        "/api/v1/contracts", {"property": lookup("prop-hk"), "property_terms": given}, expect=201
    )
    terms = draft["property_terms"]
    assert (terms["use"], terms["nature"]) == ("residential", "commodity")
    assert terms["lease"] == {
        "leased": True,  # the registry's
        "tenant_notice": "waived",  # the request's
        "tenant_notice_label": "承租人已书面放弃优先购买权",
    }
    assert terms["mortgage"]["mortgaged"] is False
    # What the agent gave stays, even where the registry says otherwise (a rule at submit
    # decides whether it may); an edit of the part is merged the same way.
    edited = await agent.patch(
        f"/api/v1/contracts/{draft['id']}",
        {"property_terms": {"use": "commercial", "mortgage": {"mortgaged": True}}},
    )
    terms = edited["property_terms"]
    assert (terms["use"], terms["mortgage"]["mortgaged"], terms["lease"]["leased"]) == (
        "commercial",
        True,
        True,
    )
    assert terms["nature"] is None and terms["lease"]["tenant_notice"] is None
    refused = await agent.post(f"/api/v1/contracts/{draft['id']}/submit", expect=422)
    assert ("property_terms.use", "REGISTRY_MISMATCH") in problems(refused)


async def test_the_demo_terms_of_a_mortgaged_or_leased_property_carry_its_plan(
    agent: Api,
) -> None:
    for prop_id in ("prop-sole-2", "prop-hk"):
        prop = DEMO_BY_ID[prop_id]
        body = {
            "property": lookup(prop_id),
            "sellers": seller_fields(prop),
            "buyers": [DEMO_BUYERS[0]],
            **contract_terms(prop),
        }
        draft = await agent.post("/api/v1/contracts", body, expect=201)
        mortgage, lease = draft["property_terms"]["mortgage"], draft["property_terms"]["lease"]
        assert (mortgage["mortgaged"], lease["leased"]) == (prop.mortgaged, prop.leased)
        # mortgaged: the seller discharges it before transfer; leased: the tenant waived
        assert (mortgage["discharge_before_transfer"], mortgage["discharge_by"] is not None) == (
            (True, True) if prop.mortgaged else (None, False)
        )
        assert lease["tenant_notice"] == ("waived" if prop.leased else None)
        await agent.post(f"/api/v1/contracts/{draft['id']}/submit")


async def upload_annex(api: Api, data: bytes, expect: int = 201) -> Any:
    resp = await api.client.post(
        "/api/v1/annex-files", data=data, headers={**api.headers(), "Content-Type": "image/png"}
    )
    assert resp.status == expect, await resp.text()
    return await resp.json()


async def test_an_annex_names_an_image_its_agent_uploaded_and_no_other_file(
    agent: Api, anonymous: Api, client: TestClient[Any, Any]
) -> None:
    uploaded = await upload_annex(agent, image())
    assert uploaded["content_type"] == "image/png" and len(uploaded["sha256"]) == 64
    annex = {"name": "附件二：定金收据", "file_id": uploaded["file_id"]}
    draft = await agent.post(
        "/api/v1/contracts", {"property": SOLE, "annexes": [annex]}, expect=201
    )
    # the upload's digest goes with the annex (and into the signed text), kept across edits
    assert draft["annexes"] == [{**annex, "text": None, "sha256": uploaded["sha256"]}]
    draft = await agent.patch(
        f"/api/v1/contracts/{draft['id']}",
        {"annexes": [annex, {"name": "备注", "text": "无"}]},
    )
    assert draft["annexes"][0]["sha256"] == uploaded["sha256"]

    other = await anonymous.login("agent_wang")
    theirs = await upload_annex(other, image())
    unknown = "0" * 24
    body = await agent.patch(
        f"/api/v1/contracts/{draft['id']}",
        {
            "annexes": [
                annex,
                {"name": "别人的", "file_id": theirs["file_id"]},
                {"name": "无", "file_id": unknown},
            ]
        },
        expect=422,
    )
    assert problems(body) == {
        ("annexes[1].file_id", "FILE_NOT_FOUND"),
        ("annexes[2].file_id", "FILE_NOT_FOUND"),
    }
    assert (await agent.get(f"/api/v1/contracts/{draft['id']}"))["annexes"] == draft["annexes"]
    before = await everything(client)
    lookup_2 = lookup("prop-sole-2")
    foreign = {"name": "别人的", "file_id": theirs["file_id"]}
    body = await agent.post(
        "/api/v1/contracts", {"property": lookup_2, "annexes": [foreign]}, expect=422
    )
    assert problems(body) == {("annexes[0].file_id", "FILE_NOT_FOUND")}
    assert await everything(client) == before
    # Not even a contract number was taken: the next draft has the next number.
    after = await agent.post("/api/v1/contracts", {"property": lookup_2}, expect=201)
    assert int(after["number"][6:]) == int(draft["number"][6:]) + 1
    admin = await anonymous.login("demo_agency")
    refused = await upload_annex(admin, image(), expect=403)
    assert refused["error"]["code"] == "ROLE_NOT_ALLOWED"
    not_an_image = await upload_annex(agent, b"%PDF-1.4 not an image", expect=415)
    assert not_an_image["error"]["code"] == "FILE_TYPE_NOT_ALLOWED"


async def test_the_contract_wangqian_simulate_drafts_submits_on_every_demo_property(
    agent: Api, clock: FakeClock
) -> None:
    today = clock.now().astimezone(CITY_TZ).date()
    for prop_id in SIMULATE_PROPERTIES:
        prop = DEMO_BY_ID[prop_id]
        body = contract_body(demo_scenario(prop_id), today)
        draft = await agent.post("/api/v1/contracts", body, expect=201)
        terms = draft["property_terms"]
        assert (terms["mortgage"]["mortgaged"], terms["lease"]["leased"]) == (
            prop.mortgaged,
            prop.leased,
        )
        payment = draft["payment"]
        schedule = [payment["down_payment"], payment["loan"], payment["balance"]]
        assert sum(part["amount_fen"] for part in schedule) == draft["price_fen"]
        submitted = await agent.post(f"/api/v1/contracts/{draft['id']}/submit")
        assert submitted["status"] == "submitted", prop_id
