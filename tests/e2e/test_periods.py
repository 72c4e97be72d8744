"""Issue 11, item 5, end to end over the bundled sample month (October 2026): a quarter, a year and a range of months
cover the whole period, in coverage, checks, the report and findings.json. The sample holds October only, so every
later day of the period is missing evidence, reported as such and never as a pass."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone

import pytest

from auditreport.config import SAMPLE_CONFIG, load_config
from auditreport.period import Period
from auditreport.runner import Run


@pytest.fixture(scope="module")
def quarter(tmp_path_factory):
    """``auditreport run --period 2026-Q4`` on the sample, as a scheduler runs it."""
    out = tmp_path_factory.mktemp("q4")
    r = subprocess.run([sys.executable, "-m", "auditreport.cli", "run", "--period", "2026-Q4", "--out", str(out)],
                       capture_output=True, text=True, timeout=900)  # fmt: skip
    return r, out, json.loads((out / "findings.json").read_text())


def _ended_days_of_q4() -> tuple[int, date]:
    """How many days of 2026-Q4 have ended today (UTC), and the last of them: a run before 2027 counts only those."""
    today = datetime.now(timezone.utc).date()
    last = min(date(2026, 12, 31), today - timedelta(days=1))
    return (last - date(2026, 10, 1)).days + 1, last


def test_a_quarter_reports_the_days_without_evidence_and_is_incomplete(quarter):
    r, _, doc = quarter
    assert r.returncode == 2, r.stdout + r.stderr  # incomplete: two months of CloudTrail are missing
    assert "Traceback" not in r.stderr
    assert doc["period"] == {"label": "2026-Q4", "kind": "quarter", "months": 3, "start": "2026-10-01T00:00:00Z",
                             "end": "2027-01-01T00:00:00Z", "end_is_exclusive": True}  # fmt: skip
    assert doc["run_id"].startswith("2026-Q4-")
    ct = next(s for s in doc["sources"] if s["name"] == "cloudtrail")
    # October and the sample's margin day (November 1) hold records; the rest of the quarter none (of the days that
    # have ended: on 2027-01-01 or later, all 92, 2026-11-02 - 2026-12-31 missing)
    expected, last = _ended_days_of_q4()
    assert ct["days"] == {"expected": expected, "present": 32, "missing": [["2026-11-02", last.isoformat()]]}
    missing = f"no record on {expected - 32} of {expected} days of 2026-Q4: 2026-11-02 – {last.isoformat()}"
    assert ct["status"] == "partial" and missing in ct["detail"]
    assert any(f"source 'cloudtrail' partial: {missing}" in x for x in doc["incomplete_reasons"])
    if expected < 92:  # the quarter is not over: the days to come are named, not counted as missing
        assert f"the period is not over: its last {92 - expected} day(s)" in ct["detail"]
    # sources measured otherwise carry no day count
    assert all(s["days"] is None for s in doc["sources"] if s["name"] != "cloudtrail")


def test_a_quarters_checks_run_over_the_whole_quarter(quarter):
    _, _, doc = quarter
    gaps = next(c for c in doc["checks"] if c["id"] == "cloudtrail_delivery_gaps")
    assert gaps["status"] == "fail"
    # every account and region that delivered in October is silent up to the quarter's end
    to_end = [row for row in gaps["rows"] if row["gap_end"] == "2027-01-01T00:00:00Z"]
    assert to_end and all(row["gap_start"] < "2026-11-02" for row in to_end)
    assert all("the period end (2027-01-01T00:00:00Z)" in row["reason"] for row in to_end)


def test_a_quarters_report_names_the_quarter_and_draws_every_day(quarter):
    _, out, doc = quarter
    html = (out / "report.html").read_text()
    assert "ML Platform Compliance Report: Northwind Analytics ML Platform (sample), 2026-Q4" in html
    assert "Q4 2026 (2026-10-01 – 2026-12-31 UTC)" in html
    assert "CloudTrail records per day, 2026-10-01 to 2026-12-31" in html
    assert f"32 of {_ended_days_of_q4()[0]} days" in html
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["period"]["label"] == "2026-Q4" and manifest["period"]["months"] == 3
    assert manifest["retention_deleted"] == []  # the sample configuration keeps everything
    from format_schemas import findings_errors

    assert findings_errors(doc) == []


@pytest.mark.parametrize("label,expected,first_missing,last_missing", [
    ("2026", 365, ("2026-01-01", "2026-09-29"), ("2026-11-02", "2026-12-31")),
    ("2026-09..2026-11", 91, ("2026-09-01", "2026-09-29"), ("2026-11-02", "2026-11-30")),
])
def test_a_year_and_a_range_cover_every_day_of_the_period(tmp_path, label, expected, first_missing, last_missing):
    """Extract, load and check (the report's content, without rendering it): the days of the whole period are
    expected, the sample's days (September 30 and November 1, its margin days, and October) are present."""
    config = load_config(SAMPLE_CONFIG)
    run = Run(config, Period.parse(label), tmp_path)
    run.result.started_at = datetime(2027, 1, 2, tzinfo=timezone.utc)  # as a run after the period's end: every day counts
    try:
        run.extract_and_load()
        run.check()
    finally:
        run.close()
    ct = next(s for s in run.result.sources if s.name == "cloudtrail")
    assert (ct.days.expected, ct.days.present) == (expected, 33)
    iso = [(a.isoformat(), b.isoformat()) for a, b in ct.days.missing]
    assert iso == [first_missing, last_missing] and ct.status == "partial"
    assert run.run_id.startswith(Period.parse(label).slug + "-")
    gaps = next(c for c in run.result.checks if c.check.id == "cloudtrail_delivery_gaps")
    starts = {r["gap_start"] for r in gaps.failing_rows}
    assert Period.parse(label).start in starts  # silent from the period's first instant to the sample's first record
    days = {d for _a, _r, d, _n in run.result.figures["cloudtrail_days"]}
    assert min(days) == "2026-09-30" and max(days) == "2026-11-01"
    assert run.result.figures["cloudtrail_days"] and date(2026, 10, 15).isoformat() in days
    assert Period.parse(label).start <= datetime(2026, 9, 30) < Period.parse(label).end


def test_only_the_days_that_have_ended_are_expected(tmp_path):
    """A daily extract of the month under way is not missing the days to come: only the days of the period that
    ended before the run started are expected (here, the sample has nothing in the current month at all)."""
    today = datetime.now(timezone.utc).date()
    month = Period(today.year, today.month)
    run = Run(load_config(SAMPLE_CONFIG), month, tmp_path)
    try:
        run.extract_and_load()
    finally:
        run.close()
    ct = next(s for s in run.result.sources if s.name == "cloudtrail")
    ended = today.day - 1
    assert (ct.days.expected, ct.days.present, ct.days.missing_days) == (ended, 0, ended)
    assert (ct.status == "partial") == (ended > 0)  # on the 1st, no day of the month has ended yet
    to_come = month.end.date() - today
    assert f"the period is not over: its last {to_come.days} day(s), from {today.isoformat()}, are not counted" \
        in ct.detail
