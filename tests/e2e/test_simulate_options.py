"""The simulator's flags and the offline receipt check, without a server."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from backend.demo import demo_scenario
from miniapp_mock.check_answers import with_sequence
from miniapp_mock.phone import ApiError, canonical_json, error_from, token_from_url, verify_receipt
from miniapp_mock.simulate import run_cli
from miniapp_mock.simulate_options import (
    Failure,
    Options,
    check_options,
    expected_outcome,
    parse_decline,
    parse_failure,
)
from signing_flow.validators import check_id_number


def opts(*fail: str, decline: tuple[str, ...] = ()) -> Options:
    return Options(
        base_url="http://127.0.0.1:1",
        failures=tuple(parse_failure(spec) for spec in fail),
        declines=dict(parse_decline(spec) for spec in decline),
    )


def test_a_fail_spec_names_party_check_kind_and_times_and_defaults_to_the_lock_out() -> None:
    assert parse_failure("b1:police") == Failure("b1", "police", "mismatch", 3)
    assert parse_failure("s2:face=no_liveness:1") == Failure("s2", "face", "no_liveness", 1)
    assert parse_failure("b1:face=timeout") == Failure("b1", "face", "timeout", 1)
    assert parse_failure("b2:police=unavailable").times == 2


@pytest.mark.parametrize(
    "spec", ["b1", "b1:eyes", "b1:face=blink", "b1:face:0", "b1:face:x", ":face", "b1:face:1:2"]
)
def test_a_malformed_fail_spec_is_refused_with_the_expected_form(spec: str) -> None:
    with pytest.raises(ValueError, match="--fail"):
        parse_failure(spec)


def test_flags_naming_unknown_parties_or_giving_sellers_sandbox_ids_are_refused() -> None:
    scenario = demo_scenario()
    for bad in (opts("b3:face"), opts("s1:police=revoked"), opts(decline=("x9",))):
        with pytest.raises(ValueError):
            check_options(bad, scenario)
    with pytest.raises(ValueError, match="cannot also fail"):
        check_options(opts("b2:face", decline=("b2",)), scenario)


async def test_simulate_refuses_bad_flags_with_exit_code_2_before_calling_the_server() -> None:
    said: list[str] = []
    assert await run_cli(opts("b9:face"), demo_scenario(), said.append) == 2
    assert said == ["wangqian simulate: --fail b9: no such party (parties: s1, s2, b1, b2)"]


async def test_simulate_says_the_server_is_unreachable_with_exit_code_2() -> None:
    said: list[str] = []
    assert await run_cli(opts(), demo_scenario(), said.append) == 2
    assert said[-1].startswith("wangqian simulate: cannot reach http://127.0.0.1:1")


def test_the_expected_outcome_is_decided_by_the_first_party_to_end_the_order() -> None:
    scenario = demo_scenario()
    assert expected_outcome(opts(), scenario) == "filed"
    assert expected_outcome(opts("b1:face=mismatch:2"), scenario) == "filed"
    assert expected_outcome(opts("b1:police:2", "b1:face=mismatch:1"), scenario) == "failed"
    assert expected_outcome(opts("b2:face", decline=("s2",)), scenario) == "declined"
    assert expected_outcome(opts("b1:police=unavailable"), scenario) == "cancelled"
    assert expected_outcome(opts("b1:police=revoked:1"), scenario) == "cancelled"


def test_a_sandbox_id_number_keeps_a_valid_check_digit_and_the_persons_birth_date() -> None:
    buyer = demo_scenario().buyers[0].id_number
    for sequence in ("999", "998"):
        made = with_sequence(buyer, sequence)
        assert made[:14] == buyer[:14] and made[14:17] == sequence
        assert check_id_number(made) is None


def test_the_qr_token_is_read_from_the_links_query() -> None:
    assert token_from_url("http://h/mp/scan?token=abc-_1&x=2") == "abc-_1"
    with pytest.raises(ValueError):
        token_from_url("http://h/mp/scan")


def test_a_refusal_becomes_a_typed_error_even_when_the_body_is_not_json() -> None:
    body = b'{"error":{"code":"FACE_MISMATCH","message":"m","details":{"attempts_left":2}}}'
    err = error_from(422, None, body)
    assert (err.status, err.code, err.details) == (422, "FACE_MISMATCH", {"attempts_left": 2})
    proxy = error_from(503, "3", b"<html>Bad gateway</html>")
    assert isinstance(proxy, ApiError) and proxy.code == "HTTP_503"
    assert (proxy.retryable, proxy.retry_after) == (True, 3.0)


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_an_offline_receipt_check_names_what_is_wrong() -> None:
    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    keys = {"keys": [{"key_id": "k1", "alg": "Ed25519", "public_key": _b64url(public)}]}
    payload = {"name": "孙丽", "order_id": "c-o1", "party_id": "b1"}
    good = {
        "payload": payload,
        "key_id": "k1",
        "alg": "Ed25519",
        "signature": _b64url(key.sign(canonical_json(payload))),
    }
    assert verify_receipt(good, keys).ok
    assert "unknown key" in verify_receipt({**good, "key_id": "k2"}, keys).reason
    assert "algorithm" in verify_receipt({**good, "alg": "RS256"}, keys).reason
    assert "does not match" in verify_receipt({**good, "signature": "AAAA"}, keys).reason
    assert "not a receipt" in verify_receipt({"payload": payload}, keys).reason
    assert "not a key set" in verify_receipt(good, {"keys": "k1"}).reason
    # The canonical form keeps Chinese as UTF-8, not \\u escapes: a verifier must match that.
    assert canonical_json(payload) == '{"name":"孙丽","order_id":"c-o1","party_id":"b1"}'.encode()
