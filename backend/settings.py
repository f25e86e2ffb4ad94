"""Settings from ``WANGQIAN_*`` environment variables; nothing else reads the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

CITY_TIMEZONE = "Asia/Shanghai"  # natural days are Zhongshan's; not configurable on purpose


@dataclass(frozen=True)
class Settings:
    store_url: str = "sqlite:///var/wangqian.db"
    host: str = "127.0.0.1"
    port: int = 8080
    public_base_url: str = "http://127.0.0.1:8080"  # what QR links point at
    session_ttl_seconds: int = 12 * 3600
    max_body_bytes: int = 1024 * 1024
    sandbox: bool = False
    log_level: str = "INFO"

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
            session_ttl_seconds=int(env.get("WANGQIAN_SESSION_TTL", cls.session_ttl_seconds)),
            sandbox=env.get("WANGQIAN_SANDBOX", "0").lower() in ("1", "true", "yes", "on"),
            log_level=env.get("WANGQIAN_LOG_LEVEL", cls.log_level).upper(),
        )
