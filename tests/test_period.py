"""auditreport.period: a reporting period is a calendar month in UTC, half-open [start, end)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from auditreport.errors import ConfigError
from auditreport.period import Period


@pytest.mark.parametrize("text,expected", [("2026-10", Period(2026, 10)), ("2026-01", Period(2026, 1)),
                                           ("1999-12", Period(1999, 12)), ("  2026-02\n", Period(2026, 2))])
def test_parse_valid_months(text, expected):
    assert Period.parse(text) == expected


@pytest.mark.parametrize("text", ["2026-00", "2026-13", "2026-99"])
def test_parse_rejects_an_invalid_month(text):
    with pytest.raises(ConfigError, match=f"period '{text}' is not a month in the form YYYY-MM"):
        Period.parse(text)


@pytest.mark.parametrize("text", ["", "2026", "2026-1", "2026/10", "26-10", "2026-10-01", "october", "2026-10x",
                                  "x2026-10"])
def test_parse_rejects_junk_with_a_one_line_config_error(text):
    with pytest.raises(ConfigError) as e:
        Period.parse(text)
    assert "\n" not in str(e.value) and "is not a month in the form YYYY-MM" in str(e.value)
    assert e.value.exit_code == 3


@pytest.mark.parametrize("text", ["0000-01", "9999-12"])
def test_parse_refuses_a_month_that_has_no_start_or_end(text):
    """0000-01 has no first day and 9999-12 no first instant after it: a ConfigError naming the period, exit 3."""
    with pytest.raises(ConfigError, match=f"period '{text}' is outside the months a date can hold") as e:
        Period.parse(text)
    assert e.value.exit_code == 3 and "\n" not in str(e.value)


@pytest.mark.parametrize("text", ["0001-01", "9999-11"])
def test_every_month_a_datetime_can_hold_is_a_period(text):
    """The first and last months whose bounds a datetime holds are periods, and their days (with a margin) do not
    overflow: they stop at the first and last day a date can hold."""
    p = Period.parse(text)
    assert p.start < p.end and p.label == text
    days = p.days(margin_days=1)
    assert days[0] <= p.start.date() and days[-1] >= (p.end.date() if p.end.year < 9999 else p.start.date())
    assert len(days) == len(set(days)) >= 28

def test_previous_month_within_a_year():
    assert Period.previous_month(datetime(2026, 11, 15, tzinfo=timezone.utc)) == Period(2026, 10)
    assert Period.previous_month(datetime(2026, 3, 1, 0, 0, tzinfo=timezone.utc)) == Period(2026, 2)


def test_previous_month_across_a_year_boundary():
    assert Period.previous_month(datetime(2027, 1, 1, 0, 0, tzinfo=timezone.utc)) == Period(2026, 12)
    assert Period.previous_month(datetime(2027, 1, 31, 23, 59, tzinfo=timezone.utc)) == Period(2026, 12)


def test_previous_month_defaults_to_now_in_utc():
    now = datetime.now(timezone.utc)
    p = Period.previous_month()
    assert p.end == datetime(now.year, now.month, 1)


def test_start_and_end_are_half_open_naive_utc():
    p = Period(2026, 10)
    assert p.start == datetime(2026, 10, 1) and p.end == datetime(2026, 11, 1)
    assert p.start.tzinfo is None and p.end.tzinfo is None
    assert p.start <= datetime(2026, 10, 31, 23, 59, 59, 999999) < p.end
    assert not (p.start <= datetime(2026, 11, 1) < p.end)


def test_december_ends_at_the_next_january():
    p = Period(2026, 12)
    assert p.end == datetime(2027, 1, 1)
    assert Period.parse("2027-01").start == p.end


@pytest.mark.parametrize("label,n", [("2026-10", 31), ("2026-11", 30), ("2026-02", 28), ("2028-02", 29),
                                     ("2026-12", 31)])
def test_days_lists_every_day_of_the_month(label, n):
    p = Period.parse(label)
    days = p.days()
    assert len(days) == n
    assert days[0] == p.start.date() and days[-1] == (p.end - timedelta(days=1)).date()
    assert all(b - a == timedelta(days=1) for a, b in zip(days, days[1:]))


def test_days_with_a_margin_widens_both_sides():
    days = Period(2026, 12).days(margin_days=1)
    assert len(days) == 31 + 2
    assert days[0] == date(2026, 11, 30) and days[-1] == date(2027, 1, 1)
    days = Period(2026, 1).days(margin_days=3)
    assert len(days) == 31 + 6 and days[0] == date(2025, 12, 29) and days[-1] == date(2026, 2, 3)


def test_label_and_str_are_zero_padded_yyyy_mm():
    assert Period(2026, 3).label == "2026-03" == str(Period(2026, 3))
    assert f"{Period(2026, 10)}" == "2026-10"
    assert Period.parse(Period(2026, 3).label) == Period(2026, 3)


def test_period_is_immutable_and_hashable():
    p = Period(2026, 10)
    with pytest.raises(AttributeError):
        p.month = 11
    assert {p, Period(2026, 10)} == {p}
