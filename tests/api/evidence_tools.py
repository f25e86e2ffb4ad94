"""Outside tools for the evidence tests: pdfsig with a throw-away NSS database that trusts the
sandbox CA (poppler-utils, libnss3-tools). A missing tool fails the test: .ci/run installs them."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path


def tool(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} is missing: apt-get install poppler-utils libnss3-tools (see .ci/run)"
    return found


def unzip(bundle: bytes, folder: Path) -> Path:
    with zipfile.ZipFile(io.BytesIO(bundle)) as zf:
        zf.extractall(folder)
    return folder


def pdfsig_report(pdf: Path, ca_pem: Path, nss: Path) -> str:
    """What pdfsig says of ``pdf`` once ``ca_pem`` is trusted (docs/evidence.md)."""
    nss.mkdir(exist_ok=True)
    certutil = tool("certutil")
    subprocess.run([certutil, "-N", "-d", f"sql:{nss}", "--empty-password"], check=True)
    subprocess.run(
        [
            certutil,
            "-A",
            "-d",
            f"sql:{nss}",
            "-n",
            "wangqian-sandbox-ca",
            "-t",
            "CT,C,C",
            "-a",
            "-i",
            str(ca_pem),
        ],
        check=True,
    )
    done = subprocess.run(
        [tool("pdfsig"), "-nssdir", f"sql:{nss}", str(pdf)], capture_output=True, text=True
    )
    return done.stdout + done.stderr


def pyhanko_summary(pdf: Path, ca_pem: Path) -> str:
    """pyHanko's own command line, one ``field:fingerprint:VALID`` line per signature."""
    cli = Path(sys.executable).parent / "pyhanko"
    done = subprocess.run(
        [
            str(cli),
            "sign",
            "validate",
            "--trust",
            str(ca_pem),
            "--trust-replace",
            "--no-revocation-check",
            "--executive-summary",
            str(pdf),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.strip()
