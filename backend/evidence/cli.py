"""``wangqian verify-evidence BUNDLE.zip`` (the checks: ``backend.evidence.verify``)."""

from __future__ import annotations

import argparse
import json

from backend.evidence import verify
from backend.evidence.anchors import Pins
from backend.settings import Settings


def cmd_verify_evidence(args: argparse.Namespace, settings: Settings) -> int:
    keys = None
    if args.keys:
        with open(args.keys, encoding="utf-8") as f:
            keys = json.load(f)
    return verify.run(args.bundle, Pins(ca_sha256=args.ca_sha256, keys=keys))


def add_verify_evidence(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "verify-evidence",
        help="verify an evidence bundle offline (PDF signatures, receipts, audit chain)",
        description="Checks the bundle with nothing but its own files: the manifest, the PDF's "
        "signatures and timestamps against the bundled CA, that the PDF signs the order's "
        "document, every receipt, the audit chain. Prints a verdict per check (中文 and "
        "English) and the anchors' SHA-256 fingerprints; exit 0 only when every check passes. "
        "Without pins the bundle is only shown to be self-consistent.",
    )
    parser.add_argument("bundle", metavar="BUNDLE.zip")
    parser.add_argument(
        "--ca-sha256",
        metavar="HEX",
        help="the CA's SHA-256 fingerprint, from GET /api/v1/evidence-certificates",
    )
    parser.add_argument("--keys", metavar="KEYS.json", help="the body of GET /api/v1/signing-keys")
    parser.set_defaults(run=cmd_verify_evidence)
