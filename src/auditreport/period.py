"""Reporting periods: whole calendar months in UTC, half-open [start, end).

A period is a month (``2026-10``), a quarter (``2026-Q4``), a year (``2026``) or a range of months
(``2026-01..2026-06``), each the months from its first to its last, both included. The lake keeps its per-period
files by month (:meth:`Period.month_labels`): a quarter's run writes what three monthly runs would, so daily
extraction of a month and a quarterly report over the same output folder share one lake.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from .errors import ConfigError

# ASCII digits only: \d would take "２０２６-１０"
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_QUARTER = re.compile(r"([0-9]{4})-[Qq]([0-9])")
_YEAR = re.compile(r"([0-9]{4})")
_RANGE = re.compile(r"([0-9]{4}-[0-9]{2})\.\.([0-9]{4}-[0-9]{2})")
FORMS = "a month (YYYY-MM), a quarter (YYYY-Qn), a year (YYYY) or a range of months (YYYY-MM..YYYY-MM)"


@dataclass(frozen=True)
class Period:
    year: int  # of the first month
    month: int  # the first month
    months: int = 1  # how many calendar months, the first included
    kind: str = "month"  # month, quarter, year or range: how the period was named, and so how it is labelled

    @classmethod
    def parse(cls, text: str) -> "Period":
        s = str(text).strip()
        if m := _MONTH.fullmatch(s):
            period = cls(int(m.group(1)), _month(text, m.group(2)))
        elif m := _QUARTER.fullmatch(s):
            if not 1 <= int(m.group(2)) <= 4:
                raise ConfigError(f"period '{text}': a year has quarters Q1 to Q4")
            period = cls(int(m.group(1)), 3 * int(m.group(2)) - 2, 3, "quarter")
        elif m := _YEAR.fullmatch(s):
            period = cls(int(m.group(1)), 1, 12, "year")
        elif m := _RANGE.fullmatch(s):
            first, last = (_MONTH.fullmatch(g) for g in m.groups())
            y1, m1 = int(first.group(1)), _month(text, first.group(2))
            y2, m2 = int(last.group(1)), _month(text, last.group(2))
            months = (y2 * 12 + m2) - (y1 * 12 + m1) + 1
            if months < 1:
                raise ConfigError(f"period '{text}': the range ends before it starts")
            period = cls(y1, m1, months, "range") if months > 1 else cls(y1, m1)
        else:
            raise ConfigError(f"period '{text}' is not {FORMS}")
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

    # --- names ------------------------------------------------------------------------------------------------
    @property
    def label(self) -> str:
        """How the period is written: ``2026-10``, ``2026-Q4``, ``2026``, ``2026-01..2026-06``."""
        if self.kind == "quarter":
            return f"{self.year:04d}-Q{(self.month + 2) // 3}"
        if self.kind == "year":
            return f"{self.year:04d}"
        if self.kind == "range":
            return f"{self.month_labels()[0]}..{self.month_labels()[-1]}"
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def slug(self) -> str:
        """The label as part of a file name or run id (a range's ``..`` written ``_to_``)."""
        return self.label.replace("..", "_to_")

    @property
    def long_name(self) -> str:
        """``October 2026``, ``Q4 2026``, ``2026``, ``January 2026 – June 2026``."""
        if self.kind == "quarter":
            return f"Q{(self.month + 2) // 3} {self.year}"
        if self.kind == "year":
            return str(self.year)
        first = f"{calendar.month_name[self.month]} {self.year}"
        if self.months == 1:
            return first
        last = self.month_periods()[-1]
        return f"{first} – {calendar.month_name[last.month]} {last.year}"

    # --- bounds -----------------------------------------------------------------------------------------------
    @property
    def start(self) -> datetime:
        """First instant of the period (naive UTC, as stored in the lake)."""
        return datetime(self.year, self.month, 1)

    @property
    def end(self) -> datetime:
        """First instant after the period (exclusive)."""
        after = self.year * 12 + self.month - 1 + self.months
        return datetime(after // 12, after % 12 + 1, 1)

    def month_periods(self) -> list["Period"]:
        """The calendar months of the period, in order."""
        index = self.year * 12 + self.month - 1
        return [Period((index + i) // 12, (index + i) % 12 + 1) for i in range(self.months)]

    def month_labels(self) -> list[str]:
        return [m.label for m in self.month_periods()]

    def days(self, margin_days: int = 0) -> list[date]:
        """Every calendar day of the period, widened by ``margin_days`` on each side."""
        first = _shift(self.start.date(), -margin_days)
        last = _shift((self.end - timedelta(days=1)).date(), margin_days)
        return [first + timedelta(days=i) for i in range((last - first).days + 1)]

    def __str__(self) -> str:
        return self.label


def day_runs(days) -> list[tuple[date, date]]:
    """Sorted days as runs of consecutive days: (first, last) each."""
    runs: list[list[date]] = []
    for d in sorted(set(days)):
        if runs and d - runs[-1][1] == timedelta(days=1):
            runs[-1][1] = d
        else:
            runs.append([d, d])
    return [(a, b) for a, b in runs]


def _month(text: str, mm: str) -> int:
    if not 1 <= int(mm) <= 12:
        raise ConfigError(f"period '{text}' is not {FORMS}: month {mm} does not exist")
    return int(mm)


def _shift(day: date, days: int) -> date:
    """``day`` moved by ``days``, stopping at the first and last day a date can hold (no day exists beyond)."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.min if days < 0 else date.max
