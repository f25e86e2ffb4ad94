"""Reading a QR code PNG as a phone's camera would (zxing-cpp, from the test extras)."""

from __future__ import annotations

import importlib.util
import io

from miniapp_mock.phone import token_from_url


class QrDecodeError(Exception):
    """The QR code PNG did not decode to a link with a token."""


def qr_decoder_available() -> bool:
    """zxing-cpp comes with the test extras; without it the QR link is read from the JSON."""
    return importlib.util.find_spec("zxingcpp") is not None


def decode_qr_png(png: bytes) -> str:
    """The text of the QR code in a PNG, as a phone's camera would read it."""
    import zxingcpp  # optional: only the test extras install it
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        found = zxingcpp.read_barcodes(image)
    if not found:
        raise QrDecodeError("no QR code found in the PNG")
    url = str(found[0].text)
    try:
        token_from_url(url)
    except ValueError as exc:
        raise QrDecodeError(str(exc)) from exc
    return url
