"""The headers every response carries (DESIGN §9), set in one place: aiohttp's
``on_response_prepare`` hook, which sees every response, the error middleware's and aiohttp's
own refusals included.

- ``X-Content-Type-Options: nosniff``: a browser takes each body as the type it is labelled.
- ``Cache-Control: no-store`` unless the handler chose its own: nearly every answer carries a
  token (login, ``/mp/v1/sessions``, QR links) or personal data (contracts, parties, accounts),
  and a default that forgets nothing is safer than a list of routes that grows. The status poll
  keeps its ``no-cache`` (an ``ETag`` to revalidate), and a 304 gets nothing, so as not to
  change what the cached answer said.
- Frames and more: no page of ours may be framed (``X-Frame-Options: DENY`` and CSP
  ``frame-ancestors 'none'``), and nothing is loaded from elsewhere. The HTML print views get a
  policy that allows their own inline style and nothing else; every other answer ``default-src
  'none'``. ``Referrer-Policy: no-referrer``.
- ``Server: wangqian``: no version of Python or aiohttp to look up vulnerabilities by.
"""

from __future__ import annotations

from aiohttp import web

SERVER = "wangqian"
API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# the print views: their one inline <style>, no script, nothing fetched
PAGE_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'none'"
)


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    headers = response.headers
    headers["Server"] = SERVER
    headers["X-Content-Type-Options"] = "nosniff"
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "no-referrer")
    page = response.content_type == "text/html"
    headers.setdefault("Content-Security-Policy", PAGE_POLICY if page else API_POLICY)
    if response.status != 304:
        headers.setdefault("Cache-Control", "no-store")


def add_security_headers(app: web.Application) -> None:
    app.on_response_prepare.append(security_headers)
