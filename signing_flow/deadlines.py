"""Natural-day deadlines. The guide counts days on the wall clock of Zhongshan (Asia/Shanghai)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

CITY_TZ = ZoneInfo("Asia/Shanghai")


def purge_deadline(created_at: datetime) -> datetime:
    """Guide §2.2 (三): a contract not e-signed or filed within the next natural day after its
    creation is deleted. Created 2026-11-25 10:00 +08:00 → deleted at 2026-11-27 00:00 +08:00."""
    local_day = created_at.astimezone(CITY_TZ).date()
    return datetime.combine(local_day + timedelta(days=2), time(0), tzinfo=CITY_TZ).astimezone(UTC)
