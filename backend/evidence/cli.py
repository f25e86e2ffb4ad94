"""``wangqian verify-evidence BUNDLE.zip`` (the checks: ``backend.evidence.verify``)."""

from __future__ import annotations

import argparse

from backend.evidence import verify
from backend.settings import Settings


def cmd_verify_evidence(args: argparse.Namespace, settings: Settings) -> int:
    return verify.run(args.bundle)


def add_verify_evidence(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "verify-evidence",
        help="verify an evidence bundle offline (PDF signatures, receipts, audit chain)",
        description="Checks the bundle with nothing but its own files: the manifest, the PDF's "
        "signatures and timestamps against the bundled CA, that the PDF signs the order's "
        "document, every receipt, the audit chain. Prints a verdict per check (中文 and "
        "English); exit 0 only when every check passes.",
    )
    parser.add_argument("bundle", metavar="BUNDLE.zip")
    parser.set_defaults(run=cmd_verify_evidence)
