"""The sandbox CCB's page for the parties (``GET /sandbox/v1/banks/ccb/pages/{id}``): the
supervision agreement to confirm, one party at a time, on a phone. Built like the phone page
(``miniapp_mock.pages.phone_page``): one HTML file the same for every application, one ES
module and one CSS file under hashed names, a policy with no inline script. The module reads
the application id from the address and talks to the page's JSON routes (``routes``)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import Any

from aiohttp import web

from miniapp_mock.ccb.bank import PREFIX
from miniapp_mock.ccb.state import STATUS_LABELS, Application

HERE = Path(__file__).parent
ASSETS = ("bank.js", "bank.css")
TYPES = {"js": "text/javascript", "css": "text/css"}
IMMUTABLE = "public, max-age=31536000, immutable"
POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; "
    "require-trusted-types-for 'script'"
)
ROLE_LABELS = {"seller": "卖方", "buyer": "买方"}


@dataclass(frozen=True)
class BankPage:
    html: bytes
    assets: dict[str, tuple[bytes, str]]  # hashed name → (content, media type)

    @classmethod
    def build(cls) -> BankPage:
        assets: dict[str, tuple[bytes, str]] = {}
        urls: dict[str, str] = {}
        for file in ASSETS:
            body = (HERE / "static" / file).read_bytes()
            stem, ext = file.rsplit(".", 1)
            name = f"{stem}.{hashlib.sha256(body).hexdigest()[:16]}.{ext}"
            assets[name] = (body, TYPES[ext])
            urls[ext] = f"{PREFIX}/static/{name}"
        page = Template((HERE / "page.html").read_text("utf-8")).substitute(
            css_url=urls["css"], js_url=urls["js"]
        )
        return cls(page.encode(), assets)


BANK_PAGE = web.AppKey("sandbox_ccb_page", BankPage)


def page_state(app: Application) -> dict[str, Any]:
    """What the page shows: the application as the parties see it at the bank."""
    return {
        "application_id": app.id,
        "status": app.status,
        "status_label": STATUS_LABELS[app.status],
        "contract_number": app.contract_number,
        "property_address": app.property_address,
        "price_fen": app.price_fen,
        "amount_fen": app.amount_fen,
        "seller_account": app.seller_account,
        "buyer_account": app.buyer_account,
        "parties": [
            {
                "key": p.key,
                "role": p.role,
                "role_label": ROLE_LABELS[p.role],
                "name": p.name,
                "confirmed": p.confirmed,
            }
            for p in app.parties
        ],
        "agreement_number": app.agreement_number,
        "supervision_account": app.supervision_account,
        "reason": app.reason,
        "return_url": app.return_url,
    }


async def page(request: web.Request) -> web.Response:
    return web.Response(
        body=request.app[BANK_PAGE].html,
        content_type="text/html",
        charset="utf-8",
        headers={"Content-Security-Policy": POLICY, "Cache-Control": "no-store"},
    )


async def static_file(request: web.Request) -> web.Response:
    found = request.app[BANK_PAGE].assets.get(request.match_info["name"])
    if found is None:
        raise web.HTTPNotFound()
    return web.Response(
        body=found[0], content_type=found[1], charset="utf-8", headers={"Cache-Control": IMMUTABLE}
    )


def mount_page(app: web.Application) -> None:
    app[BANK_PAGE] = BankPage.build()
    app.router.add_get(PREFIX + "/pages/{id}", page)
    app.router.add_get(PREFIX + "/static/{name}", static_file)
