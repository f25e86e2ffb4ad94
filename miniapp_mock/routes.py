"""The sandbox's routes, mounted by ``mount_sandbox`` only when ``WANGQIAN_SANDBOX=1``; the
OpenAPI document lists them under the ``sandbox`` tag then."""

from __future__ import annotations

from aiohttp import web

from backend.route import Route, Upload, mount
from miniapp_mock import clock, handlers, webhook_inbox, webhook_inbox_routes
from miniapp_mock import schemas as sbx
from miniapp_mock.ccb.server import mount_in_service as mount_sandbox_bank

# fmt: off
SANDBOX_ROUTES = [
    Route("GET", "/sandbox/v1/sms", handlers.sms_outbox, "沙箱：短信发件箱，最新的在前", response=sbx.SmsOutbox, auth=False, tag="sandbox", query=handlers.OUTBOX_QUERY),
    Route("POST", "/sandbox/v1/unified-accounts", handlers.register_unified_account, "沙箱：注册统一身份认证平台法人账号（含电子营业执照核验）", sbx.UnifiedRegistration, sbx.UnifiedAccountOut, status=201, auth=False, tag="sandbox"),
    Route("POST", "/sandbox/v1/clock", clock.move_clock, "沙箱：拨快服务时钟并立即运行到期的任务", sbx.ClockMove, sbx.ClockState, auth=False, tag="sandbox"),
    Route("PUT", "/sandbox/v1/registry/properties/{pid}/transfer-status", handlers.set_transfer_status, "沙箱：登记簿标记房屋已受理/已过户", sbx.TransferStatusRequest, status=204, auth=False, tag="sandbox"),
    Route("DELETE", "/sandbox/v1/clock", clock.reset_clock, "沙箱：恢复真实时钟", response=sbx.ClockState, auth=False, tag="sandbox"),
    Route("POST", webhook_inbox.PATH, webhook_inbox_routes.receive, "沙箱：内置的回调接收地址（登记为回调地址即可）", auth=False, tag="sandbox", upload=Upload(("application/json",), webhook_inbox.MAX_BODY), produces=("text/plain",)),
    Route("GET", webhook_inbox.PATH, webhook_inbox_routes.read_inbox, "沙箱：回调收件箱，最新的在前", response=webhook_inbox_routes.Inbox, auth=False, tag="sandbox", query=webhook_inbox_routes.LIST_QUERY),
]
# fmt: on


def mount_sandbox(app: web.Application) -> None:
    """The routes that exist only in the sandbox. The clock routes need the app's clock to be a
    ``MovableClock`` (``backend.providers`` picks one with ``WANGQIAN_SANDBOX=1``), whose offset
    every request and the scheduler's jobs read from the store (``miniapp_mock.clock``)."""
    mount(app, SANDBOX_ROUTES)
    mount_sandbox_bank(app)  # the sandbox CCB 龙存管 under /sandbox/v1/banks/ccb
    app.middlewares.append(clock.refresh_clock)
    app.cleanup_ctx.append(clock.keep_clock_fresh)
