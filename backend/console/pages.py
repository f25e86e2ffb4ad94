"""The console's page: ``GET /console`` serves one server-rendered template holding every screen
and every word its users read; ``GET /console/static/{version}/{name}`` its ES modules and one
stylesheet. The screens of each role beyond the agent's are kept in ``screens/*.html`` (one file
per group of screens, in name order) and put where ``console.html`` says ``$screens``, so the
page stays one document while no template grows past reading. The modules import one another by relative name, so they are versioned together:
``version`` is a hash of all of them, and a new version is a new address (cached for a year).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from string import Template

from aiohttp import web

from backend.console import session
from backend.console.choices import template_values

HERE = Path(__file__).parent
CONTENT_TYPES = {"js": "text/javascript", "css": "text/css"}
IMMUTABLE = "public, max-age=31536000, immutable"
# As the phone page: nothing inline, nothing from elsewhere; the QR images are our own PNGs
# and a receipt download is a blob: URL; the module writes text only (Trusted Types).
PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; "
    "require-trusted-types-for 'script'"
)


def page_template() -> str:
    """``console.html`` with the screen files in place of its ``$screens``; the partials are
    substituted together with the page, so they may use the same ``$name`` values."""
    partials = sorted((HERE / "screens").glob("*.html"))
    screens = "\n".join(p.read_text("utf-8") for p in partials)
    return (HERE / "console.html").read_text("utf-8").replace("$screens", screens, 1)


@dataclass(frozen=True)
class ConsolePage:
    html: bytes
    version: str
    assets: dict[str, tuple[bytes, str]]  # file name → (body, content type)

    @classmethod
    def build(cls) -> ConsolePage:
        files = sorted(p for p in (HERE / "static").iterdir() if p.suffix in (".js", ".css"))
        digest = hashlib.sha256()
        assets = {}
        for path in files:
            body = path.read_bytes()
            digest.update(path.name.encode() + b"\0" + body)
            assets[path.name] = (body, CONTENT_TYPES[path.suffix[1:]])
        version = digest.hexdigest()[:16]
        base = f"/console/static/{version}"
        page = Template(page_template()).substitute(
            css_url=f"{base}/console.css", js_url=f"{base}/main.js", **template_values()
        )
        return cls(page.encode(), version, assets)


CONSOLE_PAGE = web.AppKey("console_page", ConsolePage)


async def console_page(request: web.Request) -> web.Response:
    return web.Response(
        body=request.app[CONSOLE_PAGE].html,
        content_type="text/html",
        charset="utf-8",
        headers={"Content-Security-Policy": PAGE_POLICY, "Cache-Control": "no-store"},
    )


async def static_file(request: web.Request) -> web.Response:
    page = request.app[CONSOLE_PAGE]
    found = page.assets.get(request.match_info["name"])
    if request.match_info["version"] != page.version or found is None:
        raise web.HTTPNotFound()
    body, content_type = found
    return web.Response(
        body=body, content_type=content_type, charset="utf-8", headers={"Cache-Control": IMMUTABLE}
    )


async def to_console(request: web.Request) -> web.Response:
    raise web.HTTPFound("/console")


def mount_console(app: web.Application) -> None:
    """The page, its files, its login and logout."""
    app[CONSOLE_PAGE] = ConsolePage.build()
    app.router.add_get("/", to_console)
    app.router.add_get("/console", console_page)
    app.router.add_get("/console/static/{version}/{name}", static_file)
    app.router.add_post("/console/session", session.login)
    app.router.add_post("/console/unified-session", session.unified_login)
    app.router.add_post("/console/unified-binding", session.unified_binding)
    app.router.add_post("/console/logout", session.logout)
