"""Golden files: a rendered text compared byte for byte with its file under ``tests/golden/``,
so any change of what the parties sign shows up as a failing test and a diff in review.

To accept a change on purpose, run the tests with ``WANGQIAN_UPDATE_GOLDEN=1``: the files are
rewritten instead of compared (and the tests pass); then read the diff in git before committing.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

GOLDEN_DIR = Path(__file__).parent / "golden"
UPDATE_ENV = "WANGQIAN_UPDATE_GOLDEN"


def assert_matches_golden(name: str, text: str) -> None:
    """``text`` (UTF-8) is exactly ``tests/golden/<name>``; with the update switch, it becomes it."""
    path = GOLDEN_DIR / name
    rendered = text.encode()
    if os.environ.get(UPDATE_ENV) == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(rendered)
        return
    if not path.exists():
        pytest.fail(f"{path} does not exist: run the test with {UPDATE_ENV}=1 to write it")
    golden = path.read_bytes()
    if rendered != golden:
        diff = difflib.unified_diff(
            golden.decode(errors="replace").splitlines(),
            text.splitlines(),
            f"golden/{name}",
            "rendered",
            lineterm="",
        )
        pytest.fail(
            f"the rendered text differs from golden/{name} ({UPDATE_ENV}=1 accepts it):\n"
            + "\n".join(diff),
            pytrace=False,
        )
