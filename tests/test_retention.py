"""auditreport.retention: raw CloudTrail day folders and lake months older than the settings allow are deleted,
each deletion returned for the manifest, and nothing the period being reported needs is ever deleted."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from auditreport.config import Retention
from auditreport.period import Period
from auditreport.retention import apply_retention

TABLES = ["cloudtrail_events", "cloudwatch_log_events"]


def _raw_day(out: Path, day: date, account: str = "111122223333", folder: str = "CloudTrail") -> Path:
    d = out / "raw" / "cloudtrail" / "AWSLogs" / "o-abc" / account / folder / "eu-west-1" / f"{day:%Y/%m/%d}"
    d.mkdir(parents=True)
    (d / "log.json.gz").write_bytes(b"x" * 10)
    return d


def _lake_month(out: Path, table: str, year: int, month: int) -> Path:
    d = out / "lake" / table / f"year={year}" / f"month={month}"
    d.mkdir(parents=True)
    (d / f"period-{year}-{month:02d}-0.parquet").write_bytes(b"p" * 7)
    return d


def test_nothing_is_deleted_without_settings(tmp_path):
    old = _raw_day(tmp_path, date(2020, 1, 1))
    lake = _lake_month(tmp_path, "cloudtrail_events", 2020, 1)
    assert apply_retention(Retention(), Period(2026, 10), tmp_path, TABLES, today=date(2026, 12, 6)) == []
    assert old.is_dir() and lake.is_dir()


def test_raw_days_deletes_older_day_folders_and_logs_each(tmp_path):
    today = date(2026, 12, 6)
    old = _raw_day(tmp_path, date(2026, 11, 5))
    digest = _raw_day(tmp_path, date(2026, 11, 1), folder="CloudTrail-Digest")
    kept = _raw_day(tmp_path, date(2026, 11, 6))  # exactly raw_days old: kept
    deleted = apply_retention(Retention(raw_days=30), Period(2026, 12), tmp_path, TABLES, today=today)
    assert sorted(d["path"] for d in deleted) == sorted(p.relative_to(tmp_path).as_posix() for p in (old, digest))
    assert all(d["what"] == "raw" and d["files"] == 1 and d["bytes"] == 10 for d in deleted)
    assert not old.exists() and not digest.exists() and kept.is_dir()


def test_raw_days_never_deletes_the_period_or_its_margin_day(tmp_path):
    """A quarter reported long after it ended: its days (and the day before it) are kept whatever raw_days says."""
    before = _raw_day(tmp_path, date(2026, 9, 29))
    margin = _raw_day(tmp_path, date(2026, 9, 30))
    inside = [_raw_day(tmp_path, date(2026, m, 15)) for m in (10, 11, 12)]
    deleted = apply_retention(Retention(raw_days=1), Period.parse("2026-Q4"), tmp_path, TABLES, today=date(2027, 6, 1))
    assert [d["path"] for d in deleted] == [before.relative_to(tmp_path).as_posix()]
    assert margin.is_dir() and all(p.is_dir() for p in inside)


def test_raw_retention_leaves_what_is_not_a_day_folder(tmp_path):
    odd = tmp_path / "raw" / "cloudtrail" / "AWSLogs" / "o-abc" / "111122223333" / "CloudTrail" / "eu-west-1" / "2020" / "02" / "31"
    odd.mkdir(parents=True)  # no such day
    assert apply_retention(Retention(raw_days=1), Period(2026, 10), tmp_path, TABLES, today=date(2026, 12, 6)) == []
    assert odd.is_dir()


def test_lake_months_deletes_older_partitions_of_every_event_table(tmp_path):
    today = date(2026, 12, 6)
    old = [_lake_month(tmp_path, t, 2026, 5) for t in TABLES] + [_lake_month(tmp_path, "cloudtrail_events", 2025, 12)]
    kept = [_lake_month(tmp_path, "cloudtrail_events", 2026, m) for m in (6, 7, 12)]
    other = _lake_month(tmp_path, "not_listed", 2020, 1)  # a table the caller did not name is not touched
    deleted = apply_retention(Retention(lake_months=7), Period(2026, 11), tmp_path, TABLES, today=today)
    assert sorted(d["path"] for d in deleted) == sorted(p.relative_to(tmp_path).as_posix() for p in old)
    assert all(d["what"] == "lake" and d["files"] == 1 and d["bytes"] == 7 for d in deleted)
    assert all(p.is_dir() for p in kept) and other.is_dir()
    assert not (tmp_path / "lake" / "cloudtrail_events" / "year=2025").exists()  # an emptied year folder goes too


def test_lake_months_never_deletes_the_period_or_the_month_before_it(tmp_path):
    """A year reported with lake_months = 1: the year's months and December before it stay."""
    keep = [_lake_month(tmp_path, "cloudtrail_events", 2025, 12)] + [
        _lake_month(tmp_path, "cloudtrail_events", 2026, m) for m in range(1, 13)]
    gone = _lake_month(tmp_path, "cloudtrail_events", 2025, 11)
    deleted = apply_retention(Retention(lake_months=1), Period.parse("2026"), tmp_path, TABLES, today=date(2027, 3, 1))
    assert [d["path"] for d in deleted] == [gone.relative_to(tmp_path).as_posix()]
    assert all(p.is_dir() for p in keep)
