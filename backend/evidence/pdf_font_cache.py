"""The faces cut down once per machine to the characters a contract is written in, so that a
render cuts a 2 MB font instead of a 10 MB one.

The common set is GB 2312 (its 6,763 hanzi and its symbols), ASCII and Latin-1, general
punctuation, the CJK marks and the full-width forms; a name with a character outside it (a rare 生僻字 in a party's name) sends
that render back to the full face, slower but the same glyphs. The cut-down face is
desubroutinized and has no hints, so a per-document cut neither executes subroutines nor prunes
them. It is written once under the cache directory, named for the SHA-256 of the font file and
the version of the set, atomically (a half-written file is never read), and kept in memory.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import tempfile
from functools import cache
from pathlib import Path
from typing import Final

import fontTools
from fontTools import subset
from fontTools.ttLib import TTFont

CACHE_ENV: Final = "WANGQIAN_FONT_CACHE"
_VERSION: Final = "gb2312-latin1-punct-1"  # change when the set or the options change


@cache
def common_characters() -> frozenset[str]:
    # ASCII and Latin-1 (¥, ×, °), general punctuation, the CJK marks, the full-width forms
    ranges = ((0x20, 0x7F), (0xA0, 0x100), (0x2000, 0x2070), (0x3000, 0x3040), (0xFF00, 0xFFF0))
    chars = {chr(c) for low, high in ranges for c in range(low, high)}
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(bytes((high, low)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return frozenset(chars)


def cache_dir() -> Path:
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "wangqian" / "fonts"


def _options() -> subset.Options:
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.desubroutinize = True
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "DSIG"]
    options.notdef_outline = True
    options.recalc_timestamp = False
    options.recalc_bounds = False
    options.name_IDs = ["*"]  # the copyright and licence records (OFL asks for them)
    options.name_languages = ["*"]
    return options


def _build(path: Path) -> bytes:
    font = TTFont(path, recalcBBoxes=False, recalcTimestamp=False)
    subsetter = subset.Subsetter(_options())
    subsetter.populate(text="".join(sorted(common_characters())))
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    font.close()
    return out.getvalue()


def _write_atomically(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@cache
def common_face(path: Path) -> bytes:
    """The face at ``path`` cut down to ``common_characters``: read from the cache, built and
    written there the first time."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:32]
    target = cache_dir() / f"{path.stem}-{digest}-{_VERSION}-{fontTools.version}.otf"
    try:
        return target.read_bytes()
    except FileNotFoundError:
        pass
    data = _build(path)
    # a read-only home still renders, only each process builds its own
    with contextlib.suppress(OSError):
        _write_atomically(target, data)
    return data
