"""Settings from ``WANGQIAN_*`` environment variables; nothing else reads the environment."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from signing_flow.ports import Lifetimes


@dataclass(frozen=True)
class Settings:
    store_url: str = "sqlite:///var/wangqian.db"
    host: str = "127.0.0.1"
    port: int = 8080
    public_base_url: str = "http://127.0.0.1:8080"  # what QR links point at
    lifetimes: Lifetimes = field(default_factory=Lifetimes)
    signing_key: str | None = None  # base64 Ed25519 private key; else generated under ./var
    key_dir: str = "var"
    max_body_bytes: int = 1024 * 1024
    sandbox: bool = False
    scheduler: bool = True
    expiry_interval_seconds: float = 30
    log_level: str = "INFO"
    # the HTTP SMS gateway (backend.sms); outside the sandbox nothing is texted without it
    sms_url: str | None = None
    sms_token: str = ""
    # webhooks: hosts or networks (CIDR) endpoints may point at despite being private, and how
    # long a receiver has to answer (docs/webhooks.md)
    webhook_allow: tuple[str, ...] = ()
    webhook_timeout: float = 10.0
    # operations (docs/operations.md): how long a stopping process lets requests in flight and
    # the running job end; how many processes ``serve`` runs; where their metrics files go
    shutdown_grace_seconds: float = 10.0
    workers: int = 1
    metrics_dir: str | None = None
    # operations (docs/operations.md): who may scrape /metrics, and how log lines are written
    metrics_token_sha256: str | None = None  # the SHA-256 (hex) of the bearer token, not it
    metrics_address: str | None = None  # host:port of a listener for /metrics alone
    log_format: str = "text"  # or "json": one object per line
    # the signed contract PDF and the evidence bundles (docs/evidence.md); off, no PDF is kept
    evidence_pdf: bool = True
    # CCB 龙存管 (docs/bank-api.md): the open API's base URL (unset in the sandbox: the built-in
    # sandbox bank under /sandbox/v1/banks/ccb), our app id there, our request-signing key
    # (base64 Ed25519 private key; else generated under key_dir) and the bank's public keys
    # (base64url, comma-separated while the bank rotates; unset in the sandbox: its own bank's)
    ccb_url: str | None = None
    ccb_app_id: str = "wangqian-zhongshan"
    ccb_key: str | None = None
    ccb_public_keys: tuple[str, ...] = ()
    ccb_timeout: float = 10.0
    # fund supervision (docs/fund-supervision.md): a pending application is looked up at the
    # bank this long after it was opened or last looked up, by a job running this often
    bank_query_after_seconds: float = 15 * 60
    bank_query_interval_seconds: float = 60

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        host = env.get("WANGQIAN_HOST", cls.host)
        port = int(env.get("WANGQIAN_PORT", cls.port))
        return cls(
            store_url=env.get("WANGQIAN_STORE", cls.store_url),
            host=host,
            port=port,
            public_base_url=env.get("WANGQIAN_PUBLIC_BASE_URL", f"http://{host}:{port}"),
            lifetimes=Lifetimes(
                agent_session=int(env.get("WANGQIAN_SESSION_TTL", 12 * 3600)),
                qr_token=int(env.get("WANGQIAN_QR_TTL", 10 * 60)),
                party_session=int(env.get("WANGQIAN_PARTY_SESSION_TTL", 30 * 60)),
                order=int(env.get("WANGQIAN_ORDER_TTL", 24 * 3600)),
                supervision_days=int(env.get("WANGQIAN_SUPERVISION_DAYS", 30)),
            ),
            signing_key=env.get("WANGQIAN_SIGNING_KEY"),
            key_dir=env.get("WANGQIAN_KEY_DIR", cls.key_dir),
            sandbox=_flag(env.get("WANGQIAN_SANDBOX", "0")),
            scheduler=_flag(env.get("WANGQIAN_SCHEDULER", "on")),
            expiry_interval_seconds=float(env.get("WANGQIAN_EXPIRY_INTERVAL", 30)),
            log_level=env.get("WANGQIAN_LOG_LEVEL", cls.log_level).upper(),
            sms_url=env.get("WANGQIAN_SMS_URL") or None,
            sms_token=env.get("WANGQIAN_SMS_TOKEN", ""),
            webhook_allow=tuple(
                a.strip() for a in env.get("WANGQIAN_WEBHOOK_ALLOW", "").split(",") if a.strip()
            ),
            # at most 20 s: an attempt must end within its claim (schedulers.webhooks.CLAIM)
            webhook_timeout=min(float(env.get("WANGQIAN_WEBHOOK_TIMEOUT", 10)), 20.0),
            shutdown_grace_seconds=float(env.get("WANGQIAN_SHUTDOWN_GRACE_S", 10)),
            workers=int(env.get("WANGQIAN_WORKERS", 1)),
            metrics_dir=env.get("WANGQIAN_METRICS_DIR") or None,
            metrics_token_sha256=_metrics_digest(env),
            metrics_address=env.get("WANGQIAN_METRICS_ADDRESS") or None,
            log_format=_log_format(env.get("WANGQIAN_LOG_FORMAT", "text")),
            evidence_pdf=_flag(env.get("WANGQIAN_EVIDENCE_PDF", "on")),
            ccb_url=env.get("WANGQIAN_CCB_URL") or None,
            ccb_app_id=env.get("WANGQIAN_CCB_APP_ID") or cls.ccb_app_id,
            ccb_key=env.get("WANGQIAN_CCB_KEY") or None,
            ccb_public_keys=tuple(
                k.strip() for k in env.get("WANGQIAN_CCB_PUBLIC_KEYS", "").split(",") if k.strip()
            ),
            ccb_timeout=float(env.get("WANGQIAN_CCB_TIMEOUT", 10)),
            bank_query_after_seconds=float(env.get("WANGQIAN_BANK_QUERY_AFTER", 15 * 60)),
            bank_query_interval_seconds=float(env.get("WANGQIAN_BANK_QUERY_INTERVAL", 60)),
        )


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


def _metrics_digest(env: Mapping[str, str]) -> str | None:
    if token := env.get("WANGQIAN_METRICS_TOKEN"):
        return hashlib.sha256(token.encode()).hexdigest()
    if digest := env.get("WANGQIAN_METRICS_TOKEN_SHA256"):
        if not re.fullmatch(r"[0-9a-fA-F]{64}", digest):
            raise ValueError(
                "WANGQIAN_METRICS_TOKEN_SHA256: 64 hex digits (sha256sum of the token)"
            )
        return digest.lower()
    return None


def _log_format(value: str) -> str:
    value = value.strip().lower()
    if value not in ("text", "json"):
        raise ValueError(f"WANGQIAN_LOG_FORMAT={value!r}: use text or json")
    return value
