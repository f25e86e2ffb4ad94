"""The faces the PDFs are set in, installed from PyPI with the package: Noto Serif SC for the body
(the 宋体 of printed contracts) and Noto Sans SC for the title and the headings (the 黑体), from
``pylopdf-fonts-zh-cn`` (SIL Open Font License 1.1). No system font is looked up, so every
machine renders, and every viewer shows, the same glyphs.

Both are CFF OpenType fonts of about 31,000 glyphs (8 and 11 MB). fpdf2 embeds only the glyphs a
PDF uses, but parsing and cutting down the whole font costs it seconds per face. So fpdf2 is
handed a smaller font: the face cut once per machine to GB 2312 and the common marks
(``pdf_font_cache``, 2 MB, read from disk), or, for a document with a character outside that set,
the full face cut down by fontTools to the document's characters. Either way the embedded subset
holds the document's glyphs, ToUnicode included.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pylopdf_fonts_zh_cn
from fontTools import subset
from fontTools.ttLib import TTFont

from backend.evidence.pdf_font_cache import common_characters, common_face


@dataclass(frozen=True)
class Face:
    family: str  # the name fpdf2 knows it by
    path: Path


SERIF: Final = Face("NotoSerifSC", pylopdf_fonts_zh_cn.serif_path())
SANS: Final = Face("NotoSansSC", pylopdf_fonts_zh_cn.sans_path())

# fpdf2 measures a space and the digits of the page numbers in every face it sets text in.
_ALWAYS: Final = " 0123456789"


def _options() -> subset.Options:
    options = subset.Options()
    # Text is set character by character (no shaping): the layout tables and hinting add bytes
    # and time and nothing to the page; vertical metrics are for vertical writing.
    options.layout_features = []
    options.hinting = False
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "DSIG"]
    options.notdef_outline = True
    options.recalc_timestamp = False  # the same input gives the same bytes
    options.recalc_bounds = False  # exact bounds cost seconds on CFF and change nothing here
    options.name_IDs = ["*"]  # keep the copyright and licence records (OFL asks for them)
    options.name_languages = ["*"]
    return options


def cut_down(face: Face, characters: Iterable[str]) -> bytes:
    """The face for a document of ``characters``, as an OpenType file for fpdf2, which embeds
    only the glyphs the document uses: the face's common characters when they hold them all
    (built once per machine), else the full face cut down to ``characters`` (and .notdef)."""
    wanted = set(characters) | set(_ALWAYS)
    if wanted <= common_characters():
        return common_face(face.path)
    font = TTFont(face.path, recalcBBoxes=False, recalcTimestamp=False)
    subsetter = subset.Subsetter(_options())
    subsetter.populate(text="".join(sorted(wanted)))
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    font.close()
    return out.getvalue()
