"""What a log line may say about a request. The path aiohttp hands us is decoded: ``%0A`` in a
URL is a newline there, and written as is it would end the line and forge the next one (as
would other control, format or bidi characters). So the path is percent-encoded again before it
is logged: what the log shows is what was on the wire, in printable ASCII only."""

from __future__ import annotations

from urllib.parse import quote

from aiohttp import web

# the characters a path may carry unencoded (RFC 3986 pchar and "/"); "%" is not one of them,
# so an encoded "%0A" in the log cannot be told apart from a literal one by accident
_PATH_SAFE = "/-._~!$&'()*+,;=:@"


def loggable_path(request: web.BaseRequest) -> str:
    return quote(request.path, safe=_PATH_SAFE)
