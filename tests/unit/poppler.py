"""poppler-utils (pdftotext, pdffonts, pdfdetach, pdftoppm): tools nobody here wrote, reading
the PDFs the service renders. Without them the PDF tests skip saying so, or fail under
WANGQIAN_REQUIRE_BROWSER=1 (CI: ``.ci/run`` installs them with Chromium and sets it).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

TOOLS = ("pdftotext", "pdffonts", "pdfdetach", "pdftoppm", "pdfinfo")
# pdftotext may or may not see the narrow spaces of "第 1 页 共 3 页"
FOOTER = re.compile(r"^\s*第\s*\d+\s*页\s*共\s*\d+\s*页\s*$", re.M)


def need_poppler() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if not missing:
        return
    reason = f"{', '.join(missing)} not on PATH (apt-get install poppler-utils)"
    if os.environ.get("WANGQIAN_REQUIRE_BROWSER") == "1":
        pytest.fail(f"WANGQIAN_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(f"PDF tests skipped: {reason}", allow_module_level=True)


def _run(*args: str, pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "in.pdf"
        path.write_bytes(pdf)
        done = subprocess.run(
            [*args, str(path), *(["-"] if args[0] == "pdftotext" else [])],
            capture_output=True,
            check=True,
            timeout=60,
        )
    assert done.stderr == b"", done.stderr.decode()  # poppler complains of malformed PDFs here
    return done.stdout.decode()


def text_of(pdf: bytes, *, first: int | None = None, last: int | None = None) -> str:
    """The text in reading order (``-layout`` keeps the page's top-to-bottom order)."""
    pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    return _run("pdftotext", "-layout", "-enc", "UTF-8", *pages, pdf=pdf)


def normalised(text: str) -> str:
    """What a comparison of a PDF's text with its document looks at: the characters in order.

    Every whitespace character goes (the PDF breaks lines where the page ends, indents where the
    text had two spaces, and pdftotext pads columns with spaces), and so do the page numbers
    ("第 N 页 共 M 页" lines, which are the page's, not the document's)."""
    return "".join(FOOTER.sub("", text).split())


def fonts_of(pdf: bytes) -> list[dict[str, str]]:
    """``pdffonts``'s table: name, type, encoding, emb, sub, uni per font."""
    rows = _run("pdffonts", pdf=pdf).splitlines()[2:]
    fonts = []
    for row in rows:
        cells = row.split()
        # name type… encoding emb sub uni object-number generation
        fonts.append(
            {"name": cells[0], "emb": cells[-5], "sub": cells[-4], "uni": cells[-3], "row": row}
        )
    return fonts


def page_count(pdf: bytes) -> int:
    info = _run("pdfinfo", pdf=pdf)
    match = re.search(r"^Pages:\s+(\d+)$", info, re.M)
    assert match, info
    return int(match.group(1))


def attachments_of(pdf: bytes) -> dict[str, bytes]:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "in.pdf"
        path.write_bytes(pdf)
        out = Path(d) / "files"
        out.mkdir()
        subprocess.run(
            ["pdfdetach", "-saveall", "-o", str(out), str(path)],
            capture_output=True,
            check=True,
            timeout=60,
        )
        return {p.name: p.read_bytes() for p in out.iterdir()}


def page_png(pdf: bytes, page: int, target: Path, *, dpi: int = 110) -> None:
    """Page ``page`` as a PNG at ``target`` (pdftoppm)."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "in.pdf"
        path.write_bytes(pdf)
        prefix = Path(d) / "page"
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                str(dpi),
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
                str(path),
                str(prefix),
            ],
            capture_output=True,
            check=True,
            timeout=60,
        )
        target.write_bytes(prefix.with_suffix(".png").read_bytes())
