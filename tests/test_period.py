"""auditreport.period: a reporting period is whole calendar months in UTC (a month, a quarter, a year or a range of
months), half-open [start, end)."""

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
    with pytest.raises(ConfigError, match=f"period '{text}' is not a month \\(YYYY-MM\\), a quarter .*: month"):
        Period.parse(text)


@pytest.mark.parametrize("text", ["", "202", "2026-1", "2026/10", "26-10", "2026-10-01", "october", "2026-10x",
                                  "x2026-10", "2026-Q", "2026-Q12", "2026Q3", "2026-10..", "..2026-10",
                                  "2026-10...2026-12", "2026-10..2026-12..2027-01", "2026-10..2026", "2026-H1"])
def test_parse_rejects_junk_with_a_one_line_config_error(text):
    with pytest.raises(ConfigError) as e:
        Period.parse(text)
    message = str(e.value)
    assert "\n" not in message and f"period '{text}' is not a month (YYYY-MM), a quarter (YYYY-Qn), a year (YYYY)" \
        " or a range of months (YYYY-MM..YYYY-MM)" in message
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


@pytest.mark.parametrize("text,label,start,end,months,kind", [
    ("2026-Q3", "2026-Q3", datetime(2026, 7, 1), datetime(2026, 10, 1), 3, "quarter"),
    ("2026-q4", "2026-Q4", datetime(2026, 10, 1), datetime(2027, 1, 1), 3, "quarter"),
    ("2026-Q1", "2026-Q1", datetime(2026, 1, 1), datetime(2026, 4, 1), 3, "quarter"),
    ("2026", "2026", datetime(2026, 1, 1), datetime(2027, 1, 1), 12, "year"),
    ("2026-01..2026-06", "2026-01..2026-06", datetime(2026, 1, 1), datetime(2026, 7, 1), 6, "range"),
    ("2026-11..2027-02", "2026-11..2027-02", datetime(2026, 11, 1), datetime(2027, 3, 1), 4, "range"),
    (" 2026-10..2026-10 ", "2026-10", datetime(2026, 10, 1), datetime(2026, 11, 1), 1, "month"),
])
def test_parse_quarters_years_and_ranges(text, label, start, end, months, kind):
    p = Period.parse(text)
    assert (p.label, p.start, p.end, p.months, p.kind) == (label, start, end, months, kind)
    assert Period.parse(p.label) == p  # the label reads back as the same period
    assert len(p.month_periods()) == months and p.month_periods()[0].start == start
    assert p.month_periods()[-1].end == end


def test_a_one_month_range_is_that_month():
    assert Period.parse("2026-10..2026-10") == Period(2026, 10) == Period.parse("2026-10")


@pytest.mark.parametrize("text,why", [
    ("2026-Q0", "a year has quarters Q1 to Q4"), ("2026-Q5", "a year has quarters Q1 to Q4"),
    ("2026-06..2026-01", "the range ends before it starts"), ("2026-00..2026-03", "month 00 does not exist"),
    ("2026-01..2026-13", "month 13 does not exist"),
])
def test_parse_refuses_impossible_quarters_and_ranges_in_one_line(text, why):
    with pytest.raises(ConfigError) as e:
        Period.parse(text)
    assert str(e.value).startswith(f"period '{text}'") and why in str(e.value) and "\n" not in str(e.value)
    assert e.value.exit_code == 3


@pytest.mark.parametrize("text", ["0000", "9999", "9999-Q4", "9999-06..9999-12", "0000-12..0001-02"])
def test_parse_refuses_periods_a_date_cannot_hold(text):
    with pytest.raises(ConfigError, match="outside the months a date can hold"):
        Period.parse(text)


def test_labels_slugs_and_long_names():
    assert [(p.slug, p.long_name) for p in map(Period.parse, ["2026-10", "2026-Q4", "2026", "2026-01..2026-06"])] == [
        ("2026-10", "October 2026"), ("2026-Q4", "Q4 2026"), ("2026", "2026"),
        ("2026-01_to_2026-06", "January 2026 – June 2026")]


def test_month_labels_and_days_cover_the_whole_period():
    q4 = Period.parse("2026-Q4")
    assert q4.month_labels() == ["2026-10", "2026-11", "2026-12"]
    days = q4.days()
    assert len(days) == 92 and days[0] == date(2026, 10, 1) and days[-1] == date(2026, 12, 31)
    margin = q4.days(margin_days=1)
    assert margin[0] == date(2026, 9, 30) and margin[-1] == date(2027, 1, 1)
    assert len(Period.parse("2028").days()) == 366  # a leap year


def test_day_runs_group_consecutive_days():
    from auditreport.period import day_runs

    d = lambda m, n: date(2026, m, n)  # noqa: E731
    assert day_runs([d(11, 2), d(11, 1), d(11, 3), d(12, 5), d(12, 31), d(12, 30)]) == [
        (d(11, 1), d(11, 3)), (d(12, 5), d(12, 5)), (d(12, 30), d(12, 31))]
    assert day_runs([]) == []
