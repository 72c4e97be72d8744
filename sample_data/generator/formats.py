"""Time formats and calendar helpers: CloudTrail and API timestamps, MLflow milliseconds, working days."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

UTC = timezone.utc


def iso_z(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_api(dt: datetime) -> str:
    """A datetime as boto3 returns it, written as ISO 8601 (the canonical layout)."""
    return dt.astimezone(UTC).isoformat()


def ms(dt: datetime) -> int:
    return int(dt.timestamp() * 1000)


def console_time(dt: datetime) -> str:
    """The 'Oct 5, 2026, 10:12:03 AM' style CloudTrail uses inside some requestParameters."""
    h = dt.hour % 12 or 12
    return f"{dt:%b} {dt.day}, {dt.year}, {h}:{dt:%M:%S} {'AM' if dt.hour < 12 else 'PM'}"


def T(text: str) -> datetime:
    """A naive ISO 8601 time of the sample, in UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def is_weekday(dt: datetime) -> bool:
    return dt.weekday() < 5


def days(start: datetime, end: datetime):
    d = start.replace(hour=0, minute=0, second=0, microsecond=0)
    while d < end:
        yield d
        d += timedelta(days=1)
