"""The A4 page both PDFs are printed on, and the setting of Chinese text on it.

``Pages`` writes lines top to bottom and turns the page itself (headings are not left alone at
the foot of a page); every page carries "第 N 页 共 M 页" at its foot. Lines are broken between
any two characters, as Chinese is, with the usual rules: a closing mark (，。、；：）》…) never
starts a line (it hangs in the margin instead), an opening one (（《“) never ends one, and a run
of Latin letters and figures (a certificate number, an amount) is not split unless it is longer
than a line.

The output is reproducible: the fonts are cut down deterministically (``pdf_font_cache``), and the creation date and
so the file ID are fixed, so the same text always gives the same bytes.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from fpdf import FPDF
from fpdf.fonts import TTFFont

from backend.evidence.pdf_fonts import SERIF, Face, cut_down

MM_PER_PT: Final = 25.4 / 72

# A4 with the margins of a printed contract: wider at the left, where it is bound.
PAGE_W: Final = 210.0
PAGE_H: Final = 297.0
LEFT: Final = 28.0
RIGHT: Final = 25.0
TOP: Final = 25.0
BOTTOM: Final = 25.0
FOOTER_Y: Final = PAGE_H - 15.0
TEXT_W: Final = PAGE_W - LEFT - RIGHT

BODY_PT: Final = 10.5  # 五号
LEADING: Final = 1.65  # line height over font size

# Reproducible-build convention (SOURCE_DATE_EPOCH=0): the time that matters is the signatures'.
FIXED_DATE: Final = datetime(1970, 1, 1, tzinfo=UTC)

FOOTER_FORMAT: Final = "第 {page} 页 共 {pages} 页"
_NB: Final = "{nb}"  # fpdf2's alias for the page count, replaced when the PDF is written

_CLOSING: Final = frozenset("，。、；：？！）》」』”’〉】〕,.;:?!)]%…·—")
_OPENING: Final = frozenset("（《「『“‘〈【〔([")
_LATIN_RUN: Final = re.compile(r"[A-Za-z0-9¥$€£%*#@&+\-_/.,:()=]+|\s+|.", re.S)


class Pages(FPDF):
    def __init__(self, title: str, *, numbered: bool = True) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.numbered = numbered
        self.leading = LEADING
        self.set_margins(LEFT, TOP, RIGHT)
        self.set_auto_page_break(False)
        self.set_creation_date(FIXED_DATE)
        self.set_title(title)
        self.set_lang("zh-CN")
        self.set_creator("wangqian")
        self.set_producer("wangqian (fpdf2)")
        self.cursor = TOP

    # fonts

    def load_faces(self, directory: Path, texts: Mapping[Face, Iterable[str]]) -> None:
        """Each face cut down to the characters it will set, written where fpdf2 reads it."""
        footer = FOOTER_FORMAT.format(page="", pages="")
        for face, lines in texts.items():
            chars = set("".join(lines)) | set(footer)
            path = directory / f"{face.family}.otf"
            path.write_bytes(cut_down(face, chars))
            self.add_font(face.family, "", path)
            # fpdf2 cuts the font once more when it writes the PDF; measuring every glyph's
            # outline for the font's bounding box would cost more than the rest of the render
            font = self.fonts[face.family.lower()]
            if isinstance(font, TTFFont):
                font.ttfont.recalcBBoxes = False

    def close_faces(self) -> None:
        """fpdf2 reads its fonts lazily and leaves the files open."""
        for font in self.fonts.values():
            ttfont = getattr(font, "ttfont", None)
            if ttfont is not None:
                ttfont.close()

    def use(self, face: Face, size_pt: float) -> None:
        self.set_font(face.family, size=size_pt)

    # the page

    def footer(self) -> None:
        if not self.numbered:
            return
        self.use(SERIF, 9)
        self.set_xy(LEFT, FOOTER_Y)
        text = FOOTER_FORMAT.format(page=self.page_no(), pages=_NB)
        self.cell(w=TEXT_W, h=5, text=text, align="C")

    def new_page(self) -> None:
        self.add_page()
        self.cursor = TOP

    def room(self) -> float:
        return PAGE_H - BOTTOM - self.cursor

    def ensure(self, height: float) -> None:
        """Turn the page unless ``height`` millimetres still fit on this one."""
        if self.page == 0 or self.room() < height:
            self.new_page()

    def skip(self, height: float) -> None:
        if self.page and self.cursor > TOP:
            self.cursor += height

    # text

    def line_height(self) -> float:
        return self.font_size_pt * self.leading * MM_PER_PT

    def wrap(self, text: str, first_width: float, width: float) -> list[str]:
        """``text`` broken into lines: the first ``first_width`` wide, the others ``width``."""
        lines: list[str] = []
        current = ""
        limit = first_width
        for token in _LATIN_RUN.findall(text):
            if self.get_string_width(current + token) <= limit:
                current += token
                continue
            if token in _CLOSING:  # hangs in the margin rather than start the next line
                current += token
                continue
            if token.isspace():
                lines.append(current)
                current, limit = "", width
                continue
            if self.get_string_width(token) > width:  # longer than any line: split it
                for char in token:
                    if self.get_string_width(current + char) > limit and current:
                        lines.append(current)
                        current, limit = "", width
                    current += char
                continue
            carried = ""
            while current and current[-1] in _OPENING:  # an opening mark goes along
                carried = current[-1] + carried
                current = current[:-1]
            lines.append(current)
            current, limit = carried + token, width
        lines.append(current)
        return [line.rstrip() for line in lines]

    def put(self, text: str, x: float, *, align: str = "L", width: float = TEXT_W) -> None:
        """One line at the cursor, which moves down a line."""
        h = self.line_height()
        self.set_xy(x, self.cursor)
        self.cell(w=width, h=h, text=text, align=align)
        self.cursor += h

    def paragraph(
        self,
        text: str,
        *,
        first_indent: float = 0.0,
        indent: float = 0.0,
        keep: int = 1,
        align: str = "L",
    ) -> None:
        """Wrapped text: the first line indented ``first_indent``, the others ``indent``;
        ``keep`` lines of it go on the page together with its first line."""
        lines = self.wrap(text, TEXT_W - first_indent, TEXT_W - indent) or [""]
        h = self.line_height()
        self.ensure(h * min(keep, len(lines)))
        for i, line in enumerate(lines):
            self.ensure(h)
            x = first_indent if i == 0 else indent
            self.put(line, LEFT + x, align=align, width=TEXT_W - x)

    def pdf_bytes(self) -> bytes:
        return bytes(self.output())


@contextmanager
def pages_for(
    title: str, faces: Mapping[Face, Iterable[str]], *, numbered: bool = True
) -> Iterator[Pages]:
    """A blank document with ``faces`` loaded, each cut down to the characters of its lines;
    write it with ``pdf_bytes`` inside the ``with`` (fpdf2 reads the font files then)."""
    with tempfile.TemporaryDirectory(prefix="wangqian-pdf-") as directory:
        pages = Pages(title, numbered=numbered)
        try:
            pages.load_faces(Path(directory), faces)
            yield pages
        finally:
            pages.close_faces()
