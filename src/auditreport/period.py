"""Reporting periods: a calendar month in UTC, half-open [start, end)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from .errors import ConfigError

_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")  # ASCII digits only: \d would take "２０２６-１０"


@dataclass(frozen=True)
class Period:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> "Period":
        m = _MONTH.fullmatch(str(text).strip())
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise ConfigError(f"period '{text}' is not a month in the form YYYY-MM")
        period = cls(int(m.group(1)), int(m.group(2)))
        try:  # every period whose first instant and first instant after it a datetime can hold: 0001-01 .. 9999-11
            period.start, period.end
        except ValueError:
            raise ConfigError(f"period '{text}' is outside the months a date can hold (0001-01 to 9999-11)") from None
        return period

    @classmethod
    def previous_month(cls, now: datetime | None = None) -> "Period":
        now = now or datetime.now(timezone.utc)
        first = date(now.year, now.month, 1)
        last_of_prev = first - timedelta(days=1)
        return cls(last_of_prev.year, last_of_prev.month)

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def start(self) -> datetime:
        """First instant of the period (naive UTC, as stored in the lake)."""
        return datetime(self.year, self.month, 1)

    @property
    def end(self) -> datetime:
        """First instant after the period (exclusive)."""
        return datetime(self.year + (self.month == 12), self.month % 12 + 1, 1)

    def days(self, margin_days: int = 0) -> list[date]:
        """Every calendar day of the period, widened by ``margin_days`` on each side."""
        first = _shift(self.start.date(), -margin_days)
        last = _shift((self.end - timedelta(days=1)).date(), margin_days)
        return [first + timedelta(days=i) for i in range((last - first).days + 1)]

    def __str__(self) -> str:
        return self.label


def _shift(day: date, days: int) -> date:
    """``day`` moved by ``days``, stopping at the first and last day a date can hold (no day exists beyond)."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.min if days < 0 else date.max
