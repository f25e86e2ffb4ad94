"""The run's last step: every receipt in the order, checked offline against the platform's
public keys (``GET /api/v1/signing-keys``) and against what the run itself sent."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from miniapp_mock.narration import hhmmss
from miniapp_mock.phone import ReceiptCheck, fetch_signing_keys, verify_receipt
from miniapp_mock.run import PartyRun, Run


def receipt_problem(
    run: Run, order: Mapping[str, Any], progress: Mapping[str, Any], party: PartyRun | None
) -> str | None:
    """Beyond the signature: the receipt must name this order, party and document, hash the ID
    number the party entered, and be the one the party's phone was given."""
    payload = progress["receipt"]["payload"]
    _, id_number = run.people.get(progress["party_id"], ("", ""))
    expected = {
        "order_id": order["id"],
        "party_id": progress["party_id"],
        "document_sha256": order["document_sha256"],
        "id_number_sha256": hashlib.sha256(id_number.encode("utf-8")).hexdigest(),
    }
    wrong = [k for k, v in expected.items() if payload.get(k) != v]
    if wrong:
        return f"payload fields differ: {', '.join(wrong)}"
    if party is not None and party.receipt is not None and party.receipt != progress["receipt"]:
        return "differs from the receipt the phone received"
    return None


async def verify_receipts(run: Run, order: Mapping[str, Any]) -> None:
    """Every receipt in the order, checked offline against GET /api/v1/signing-keys."""
    keys = await fetch_signing_keys(run.http, run.options.base_url)
    ids = ", ".join(k["key_id"] for k in keys.get("keys", []))
    run.say(f"[验签] 平台公钥 (signing keys): {ids}")
    by_id = {p.party_id: p for p in run.result.parties}
    for progress in order["parties"]:
        if not progress.get("receipt"):
            continue
        check = verify_receipt(progress["receipt"], keys)
        problem = receipt_problem(run, order, progress, by_id.get(progress["party_id"]))
        if check.ok and problem:
            check = ReceiptCheck(False, problem, check.key_id)
        run.result.receipt_checks[progress["party_id"]] = check
        mark = "OK" if check.ok else "FAILED"
        run.say(
            f"  [验签] {progress['party_id']} {progress['name']}：{mark}（{check.reason}；"
            f"signed_at {hhmmss(progress['receipt']['payload'].get('signed_at', ''))}）"
        )
    if not run.result.receipt_checks:
        run.say("  [验签] 没有签名回执 (no party signed)")
