"""Guide §2.2 (三): deleted if not e-signed or filed by the end of the next natural day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from signing_flow.deadlines import CITY_TZ, purge_deadline


@pytest.mark.parametrize(
    ("created_local", "deadline_local"),
    [
        (datetime(2026, 11, 25, 10, 0), datetime(2026, 11, 27)),  # DESIGN's example
        (datetime(2026, 11, 25, 23, 59, 59), datetime(2026, 11, 27)),
        (datetime(2026, 11, 26, 0, 0), datetime(2026, 11, 28)),  # just past midnight
        (datetime(2026, 11, 30, 23, 59), datetime(2026, 12, 2)),  # month end
        (datetime(2026, 12, 31, 23, 59), datetime(2027, 1, 2)),  # year end
        (datetime(2028, 2, 28, 12, 0), datetime(2028, 3, 1)),  # leap year
        (datetime(2027, 2, 28, 12, 0), datetime(2027, 3, 2)),
    ],
)
def test_the_deadline_is_midnight_two_days_after_the_local_creation_date(
    created_local: datetime, deadline_local: datetime
) -> None:
    created = created_local.replace(tzinfo=CITY_TZ)
    assert purge_deadline(created) == deadline_local.replace(tzinfo=CITY_TZ)


def test_natural_days_are_zhongshan_days_not_utc_days() -> None:
    # 2026-11-25 17:00 UTC is already 2026-11-26 01:00 in Zhongshan.
    created = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)
    assert purge_deadline(created) == datetime(2026, 11, 28, tzinfo=CITY_TZ)
    assert purge_deadline(created).utcoffset() == timedelta(0)
