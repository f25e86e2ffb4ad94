"""``wangqian verify-webhook``: check a delivery's signature the way a receiver should."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime
from typing import Any

from signing_flow.webhook_rules import SIGNATURE_TOLERANCE_SECONDS, verify_signature


def cmd_verify_webhook(args: argparse.Namespace, settings: Any) -> int:
    """OK and 0 when the body on stdin is signed by the secret, at a time within the tolerance;
    FAILED and 1 otherwise (docs/webhooks.md)."""
    secret = args.secret or os.environ.get("WANGQIAN_WEBHOOK_SECRET")
    if not secret:
        print("wangqian verify-webhook: --secret or WANGQIAN_WEBHOOK_SECRET is needed")
        return 2
    body = sys.stdin.buffer.read()  # the exact bytes received: any change breaks the signature
    if verify_signature(secret, args.signature, body, datetime.now(UTC), args.tolerance):
        print(f"OK      signed by this secret ({len(body)} bytes)")
        return 0
    print("FAILED  not signed by this secret, changed, or older than the tolerance (a replay)")
    return 1


def add_verify_webhook(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    hook = sub.add_parser(
        "verify-webhook",
        help="check a webhook delivery's signature: the body on stdin",
        description="Reads the request body from stdin, byte for byte, and checks the "
        "Wangqian-Signature header against the endpoint's secret. Exit 0 only when it verifies "
        "and its time is within the tolerance.",
    )
    hook.add_argument("--secret", help="the endpoint's secret (default: WANGQIAN_WEBHOOK_SECRET)")
    hook.add_argument("--signature", required=True, help="the Wangqian-Signature header")
    hook.add_argument(
        "--tolerance",
        type=int,
        default=SIGNATURE_TOLERANCE_SECONDS,
        metavar="SECONDS",
        help=f"the oldest signature taken, in seconds (default: {SIGNATURE_TOLERANCE_SECONDS})",
    )
    hook.set_defaults(run=cmd_verify_webhook)
