"""The production SMS adapters (``signing_flow.ports.SmsGateway``); the sandbox's outbox is
``miniapp_mock.sms``, and ``backend.providers`` chooses.

The gateway is an HTTP one: ``POST WANGQIAN_SMS_URL`` with ``Authorization: Bearer
WANGQIAN_SMS_TOKEN`` and the JSON body ``{"phone", "text", "purpose"}``; any 2xx answer means
the gateway took the message. Nothing of the message is kept or logged here: the text carries a
practitioner's initial password, which exists only in that request.
"""

from __future__ import annotations

import logging

import aiohttp

from signing_flow.errors import DependencyUnavailable

log = logging.getLogger("wangqian.sms")

SEND_TIMEOUT_SECONDS = 10.0


def _unavailable() -> DependencyUnavailable:
    return DependencyUnavailable(
        "短信服务暂时不可用 (the SMS service is unavailable)", code="SMS_SERVICE_UNAVAILABLE"
    )


class HttpSmsGateway:
    """Sends through the configured gateway over ``session`` (the app's, closed at shutdown)."""

    def __init__(self, session: aiohttp.ClientSession, url: str, token: str) -> None:
        self._session = session
        self._url = url
        self._token = token

    async def send(self, phone: str, text: str, *, purpose: str) -> None:
        try:
            async with self._session.post(
                self._url,
                json={"phone": phone, "text": text, "purpose": purpose},
                headers={"Authorization": f"Bearer {self._token}"},
                timeout=aiohttp.ClientTimeout(total=SEND_TIMEOUT_SECONDS),
                allow_redirects=False,
            ) as resp:
                if 200 <= resp.status < 300:
                    return
                # the status only: the gateway's body could echo the message
                log.warning("SMS gateway refused a %s message: HTTP %s", purpose, resp.status)
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.warning("SMS gateway unreachable for a %s message: %s", purpose, type(exc).__name__)
        raise _unavailable()


class UnconfiguredSms:
    """Outside the sandbox without ``WANGQIAN_SMS_URL``: nothing can be sent, so nothing is
    (the approval stands, answered ``password_sms_sent: false``; docs/accounts.md)."""

    async def send(self, phone: str, text: str, *, purpose: str) -> None:
        raise _unavailable()
