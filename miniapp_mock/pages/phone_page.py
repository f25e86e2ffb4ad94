"""The phone page (H5) of the simulated mini-program 粤信签: ``GET /mp/scan`` serves it, and
``GET /mp/static/{name}`` its one ES module and one CSS file, under names that carry a hash of
their content (so they are cached for a year, and a new version is a new name).

The server does not look at the QR token. The page is the same for every visitor and holds
nothing personal; its module takes the token from the address bar, removes it from there
(``history.replaceState``), and exchanges it with ``POST /mp/v1/sessions``, the documented API
a real mini-program calls. A used, replaced, expired or unknown token is refused by that one
exchange, and the page shows the refusal in Chinese (请经纪人重新生成二维码). Checking the token
here first would be a second copy of the token rules, would still race the exchange (the page
needs the refusal screen anyway), and a GET that consumed the token would let a link preview
spend it. So a GET of this page never changes anything.

The party session lives in the tab's ``sessionStorage`` only; a reload resumes at the party's
step while the session lasts. The page keeps current by asking ``GET /mp/v1/order`` every two
seconds while it is visible.

Mounted like ``/mp/v1`` (always): it is the product's phone page. The face samples are offered
always, because the only face provider today is the sandbox's (``backend/providers.py``).
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass
from pathlib import Path
from string import Template

from aiohttp import web

from miniapp_mock.check_answers import FACE_SAMPLES

HERE = Path(__file__).parent
ASSET_FILES = ("phone.js", "phone.css")
CONTENT_TYPES = {"js": "text/javascript", "css": "text/css"}
IMMUTABLE = "public, max-age=31536000, immutable"
# No inline script or style, nothing from elsewhere; the camera preview is a MediaStream and
# the receipt download a blob: URL. Trusted Types: the module never writes HTML as a string.
PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' blob:; media-src 'self' blob:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'; require-trusted-types-for 'script'"
)
PERMISSIONS = "camera=(self), microphone=(), geolocation=(), payment=()"


@dataclass(frozen=True)
class Asset:
    body: bytes
    content_type: str


@dataclass(frozen=True)
class PhonePages:
    html: bytes
    assets: dict[str, Asset]  # hashed file name → content

    @classmethod
    def build(cls) -> PhonePages:
        """Read the files once, when the app is created."""
        assets: dict[str, Asset] = {}
        urls: dict[str, str] = {}
        for file in ASSET_FILES:
            body = (HERE / "static" / file).read_bytes()
            stem, ext = file.rsplit(".", 1)
            name = f"{stem}.{hashlib.sha256(body).hexdigest()[:16]}.{ext}"
            assets[name] = Asset(body, CONTENT_TYPES[ext])
            urls[ext] = f"/mp/static/{name}"
        page = Template((HERE / "scan.html").read_text("utf-8")).substitute(
            css_url=urls["css"], js_url=urls["js"], face_samples=face_sample_choices()
        )
        return cls(page.encode(), assets)


PHONE_PAGES = web.AppKey("phone_pages", PhonePages)


def face_sample_choices() -> str:
    """One radio button per sandbox face sample, with the outcome docs/sandbox.md documents
    (from ``check_answers``, the table the sandbox answers from)."""
    choices = []
    for i, (sample, answer) in enumerate(FACE_SAMPLES.items()):
        if answer is None:
            outcome = "人脸比对通过，完成签署"
        else:
            counted = "不计入失败次数，可重试" if answer.outage else "计入失败次数"
            outcome = f"{answer.message.split(' (')[0]}（{counted}）"
        checked = " checked" if i == 0 else ""
        choices.append(
            f'      <label class="sample"><input type="radio" name="face_sample" '
            f'value="{html.escape(sample)}"{checked}> <span>样本 <code>{html.escape(sample)}'
            f"</code>：{html.escape(outcome)}</span></label>"
        )
    return "\n".join(choices)


async def scan_page(request: web.Request) -> web.Response:
    return web.Response(
        body=request.app[PHONE_PAGES].html,
        content_type="text/html",
        charset="utf-8",
        headers={
            "Content-Security-Policy": PAGE_POLICY,
            "Permissions-Policy": PERMISSIONS,
            "Cache-Control": "no-store",
        },
    )


async def static_file(request: web.Request) -> web.Response:
    found = request.app[PHONE_PAGES].assets.get(request.match_info["name"])
    if found is None:
        raise web.HTTPNotFound()
    return web.Response(
        body=found.body,
        content_type=found.content_type,
        charset="utf-8",
        headers={"Cache-Control": IMMUTABLE},
    )


def mount_phone_pages(app: web.Application) -> None:
    app[PHONE_PAGES] = PhonePages.build()
    app.router.add_get("/mp/scan", scan_page)
    app.router.add_get("/mp/static/{name}", static_file)
