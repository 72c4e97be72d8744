"""trend.py: failing findings new, resolved, persisting or not re-verified since the previous run, by a fingerprint
that ignores what changes from run to run (times, reason text) and keeps what identifies the finding."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timezone

from report_support import NOW, section, text
from sample_run import BURST, UNAPPROVED, VALIDATION, make_result

from auditreport.checks.model import CheckResult
from auditreport.period import Period
from auditreport.report import write_reports
from auditreport.report.trend import compare, fingerprint, load_history


def test_the_fingerprint_ignores_times_and_text_and_keeps_identity():
    row = {"resource": "b", "account_id": "1", "region": "eu-west-1", "reason": "x", "event_time": "t1"}
    assert fingerprint("c", row) == fingerprint("c", {**row, "reason": "y", "event_time": "t2", "status": "fail"})
    assert len({fingerprint("c", row), fingerprint("d", row), fingerprint("c", {**row, "account_id": "2"}),
                fingerprint("c", {**row, "event_id": "e1"}), fingerprint("c", {**row, "resource": "a"})}) == 5


def _run(tmp_path, result, name, **kw):
    return write_reports(result, tmp_path / name, generated_at=NOW, pdf=False, **kw)


def test_no_history_says_so(tmp_path):
    assert compare(make_result(), None).note.endswith("names no history_dir.")
    assert "holds no earlier run" in compare(make_result(), tmp_path).note


def test_a_second_run_compares_with_the_first_kept_in_history(tmp_path):
    history = tmp_path / "history"
    first = make_result()
    first.period, first.run_id = Period(2026, 9), "2026-09-first"
    out = _run(tmp_path, first, "sep", history_dir=history, keep_history=True)
    assert out["history_findings"] == history / "2026-09-2026-09-first.findings.json"

    second = make_result()  # October: one unapproved endpoint fixed, a new denial burst, validation now no data
    by_id = {c.check.id: i for i, c in enumerate(second.checks)}
    unapproved = second.checks[by_id[UNAPPROVED]]
    fixed = next(r for r in unapproved.rows if r["status"] == "fail")
    unapproved.rows = [r for r in unapproved.rows if r is not fixed]
    burst = second.checks[by_id[BURST]]
    burst.rows = burst.rows + [{**burst.rows[0], "resource": "arn:aws:iam::111122223333:role/another"}]
    second.checks[by_id[VALIDATION]] = CheckResult(check=second.checks[by_id[VALIDATION]].check, status="no_data",
                                                   message="source 'trails' unavailable")  # fmt: skip
    (history / "broken.findings.json").write_text("{not json")
    out = _run(tmp_path, second, "oct", history_dir=history, keep_history=False)

    trend = json.loads(out["findings_json"].read_text())["trend"]
    assert trend["previous_run"]["run_id"] == "2026-09-first"
    assert trend["counts"]["resolved"] == 1 and trend["resolved"][0]["resource"] == fixed["resource"]
    assert trend["counts"]["new"] == 1 and trend["new"][0]["resource"] == "arn:aws:iam::111122223333:role/another"
    assert trend["counts"]["not_reverified"] == 1 and trend["not_reverified"][0]["check_id"] == VALIDATION
    failing_first = sum(len(c.failing_rows) for c in first.checks)
    assert trend["counts"]["persisting"] == failing_first - 2
    assert len(trend["unreadable_history"]) == 1 and "broken.findings.json" in trend["unreadable_history"][0]
    assert not (history / f"2026-10-{second.run_id}.findings.json").exists()  # keep_history off

    html = out["report_html"].read_text()
    summary = text(section(html, "summary", "frameworks"))
    assert "Since the previous run: 1 new, 1 resolved" in summary and "2026-09-first" in summary
    assert "Resolved since 2026-09" in text(html) and "not re-verified" in text(html)


def test_findings_carry_one_fingerprint_per_row_and_the_previous_run_is_the_latest_earlier_one(tmp_path):
    history = tmp_path / "h"
    for period, run_id, hour in ((Period(2026, 8), "aug", 1), (Period(2026, 9), "sep-a", 1), (Period(2026, 9), "sep-b", 2),
                                 (Period(2026, 12), "dec", 1)):  # fmt: skip
        r = replace(make_result(), period=period, run_id=run_id)
        write_reports(r, tmp_path / run_id, generated_at=datetime(2026, 10, 1, hour, tzinfo=timezone.utc), pdf=False,
                      history_dir=history, keep_history=True)  # fmt: skip
    runs, unreadable = load_history(history)
    assert sorted(r.run_id for r in runs) == ["aug", "dec", "sep-a", "sep-b"] and not unreadable
    oct_ = make_result()
    assert compare(oct_, history).previous.run_id == "sep-b"  # December is after October; sep-b is sep-a's re-run
    doc = json.loads((tmp_path / "aug" / "findings.json").read_text())
    for c in doc["checks"]:
        assert len(c["row_fingerprints"]) == len(c["rows"])
        assert c["row_fingerprints"] == [fingerprint(c["id"], r) for r in c["rows"]]


def test_a_quarter_is_compared_with_an_earlier_quarter_never_with_a_month(tmp_path):
    """The previous run is the latest earlier one of a period as long as this one's: a quarter is compared with the
    quarter before, though the history holds the months in between (the last of them ending with this quarter)."""
    history = tmp_path / "history"
    for label, run_id in (("2026-Q3", "q3"), ("2026-10", "oct"), ("2026-12", "dec")):
        past = make_result()
        past.period, past.run_id = Period.parse(label), run_id
        _run(tmp_path, past, run_id, history_dir=history, keep_history=True)
    assert (history / "2026-Q3-q3.findings.json").is_file()
    quarter = make_result()
    quarter.period, quarter.run_id = Period.parse("2026-Q4"), "q4"
    trend = compare(quarter, history)
    assert trend.previous.run_id == "q3" and trend.note == "Compared with run q3 (2026-Q3)."
    month = make_result()
    month.period, month.run_id = Period(2027, 1), "jan"
    assert compare(month, history).previous.run_id == "dec"


def test_no_earlier_run_of_the_same_length_is_no_comparison(tmp_path):
    history = tmp_path / "history"
    past = make_result()
    past.period, past.run_id = Period(2026, 9), "sep"
    _run(tmp_path, past, "sep", history_dir=history, keep_history=True)
    year = make_result()
    year.period, year.run_id = Period.parse("2026"), "y"
    trend = compare(year, history)
    assert trend.previous is None and trend.new == [] and trend.resolved == []
    assert trend.note == (f"No comparison with an earlier run: {history} holds no earlier run of a 12-month period "
                          "(it holds 1 run(s) of periods of other lengths).")


def test_a_range_is_kept_in_history_under_a_file_name_without_dots(tmp_path):
    history = tmp_path / "history"
    r = make_result()
    r.period, r.run_id = Period.parse("2026-01..2026-06"), "h1"
    out = _run(tmp_path, r, "h1", history_dir=history, keep_history=True)
    assert out["history_findings"] == history / "2026-01_to_2026-06-h1.findings.json"
    assert json.loads(out["findings_json"].read_text())["period"] == {
        "label": "2026-01..2026-06", "kind": "range", "months": 6, "start": "2026-01-01T00:00:00Z",
        "end": "2026-07-01T00:00:00Z", "end_is_exclusive": True}


def test_the_trend_series_counts_failing_rows_per_earlier_run_and_none_where_the_check_did_not_run(tmp_path):
    history = tmp_path / "history"
    for month, run_id in ((8, "aug"), (9, "sep")):
        earlier = make_result()
        earlier.period, earlier.run_id = Period(2026, month), run_id
        if month == 8:
            earlier.checks = [c if c.check.id != VALIDATION else replace(c, status="no_data", rows=[])
                              for c in earlier.checks]
        _run(tmp_path, earlier, run_id, history_dir=history, keep_history=True)
    trend = compare(make_result(), history)
    assert [r.run_id for r in trend.history] == ["aug", "sep"]
    assert trend.series(UNAPPROVED, 13, "2026-10 (this run)") == [
        ("2026-08 (aug)", 13), ("2026-09 (sep)", 13), ("2026-10 (this run)", 13)]
    assert trend.series(VALIDATION, 1, "now")[0] == ("2026-08 (aug)", None)  # no data then: no count, not zero
    assert compare(make_result(), tmp_path / "empty").series(UNAPPROVED, 13, "now") == []
