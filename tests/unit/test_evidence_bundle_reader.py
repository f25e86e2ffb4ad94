"""A bundle from anyone is read within bounds (backend.evidence.bundle_reader)."""

from __future__ import annotations

import io
import zipfile

import pytest

from backend.evidence.bundle_reader import MAX_MEMBER_BYTES, MAX_MEMBERS, read_members
from backend.evidence.verify import verify_bundle


def zipped(*members: tuple[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return out.getvalue()


def test_a_small_bomb_is_refused_before_it_is_inflated() -> None:
    bomb = zipped(("manifest.json", b"{}"), ("contract.pdf", bytes(MAX_MEMBER_BYTES + 1)))
    assert len(bomb) < 100_000
    with pytest.raises(ValueError, match=r"contract\.pdf: declares"):
        read_members(bomb)
    [check] = verify_bundle(bomb)
    assert not check.ok and "too large" in check.detail


def test_a_member_that_lies_about_its_size_is_refused() -> None:
    data = bytearray(zipped(("contract.pdf", bytes(MAX_MEMBER_BYTES + 1))))
    # Both headers say 10 bytes: the data does not match what they declare.
    for sig, at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        i = data.index(sig) + at
        data[i : i + 4] = (10).to_bytes(4, "little")
    with pytest.raises((ValueError, zipfile.BadZipFile)):
        read_members(bytes(data))


def test_too_many_members_are_refused() -> None:
    with pytest.raises(ValueError, match="members"):
        read_members(zipped(*((f"f{n}", b"") for n in range(MAX_MEMBERS + 1))))


@pytest.mark.parametrize("name", ["../evil", "/etc/passwd", "receipts\\s1.json", "a/../../b"])
def test_names_outside_the_bundle_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="outside the bundle"):
        read_members(zipped(("manifest.json", b"{}"), (name, b"x")))


def test_a_name_given_twice_is_refused() -> None:
    with pytest.warns(UserWarning, match="Duplicate name"):
        twice = zipped(("manifest.json", b"{}"), ("manifest.json", b"{}"))
    with pytest.raises(ValueError, match=r"named twice: manifest\.json"):
        read_members(twice)


def test_a_good_set_of_members_reads_whole() -> None:
    assert read_members(zipped(("manifest.json", b"{}"), ("receipts/s1.json", b"[]"))) == {
        "manifest.json": b"{}",
        "receipts/s1.json": b"[]",
    }
