"""auditreport.audit_database: audit.duckdb, written atomically: one view per lake table (with the table's
description as comment) and, for a finished run, its check results and findings as tables."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from auditreport.audit_database import write_audit_database
from auditreport.checks.catalogue import load_catalogue
from auditreport.checks.model import CheckResult
from auditreport.lake import TABLES
from auditreport.lake.connection import connect
from auditreport.lake.writer import replace_period_files, replace_table
from auditreport.period import Period
from auditreport.results import RunResult


@pytest.fixture(params=["plain", "it's an out dir"])
def out(request, tmp_path) -> Path:
    """An output folder with a small lake: two tables written, the rest empty. Once with an apostrophe and a space."""
    out = tmp_path / request.param
    lake = out / "lake"
    con = connect()
    replace_table(con, lake, "iam_principals", [{"principal_name": "ml-approver", "tags": {"team": "ml"}},
                                                {"principal_name": "ml-trainer"}])  # fmt: skip
    replace_period_files(con, lake, "cloudwatch_log_events", [
        {"event_id": "e1", "event_time": datetime(2026, 10, 2), "year": 2026, "month": 10}], "2026-10")
    con.close()
    return out


@pytest.fixture(scope="module")
def check():
    return next(iter(load_catalogue()))


def _result(check) -> RunResult:
    return RunResult(
        run_id="run-1", tool_version="0", organisation="o", period=Period(2026, 10), config_path="",
        config_sha256="", started_at=datetime.now(timezone.utc),
        checks=[CheckResult(check=check, status="fail", columns=["resource", "status", "reason", "detail"], rows=[
            {"resource": "arn:aws:iam::1:role/a", "status": "fail", "reason": "bad", "detail": {"n": 1}},
            {"resource": "arn:aws:iam::1:role/b", "status": "pass", "reason": "ok", "when": datetime(2026, 10, 1)},
        ])],
    )  # fmt: skip


def _open(path: Path):
    return connect(path, read_only=True)


def _views(con) -> dict[str, str | None]:
    return dict(con.execute("SELECT view_name, comment FROM duckdb_views() WHERE NOT internal").fetchall())


def _shared_view_ids() -> set[str]:
    """The check catalogue's shared views, which audit.duckdb may hold besides the lake views."""
    return set(getattr(load_catalogue(), "views", {}))


def test_write_audit_database_makes_one_view_per_lake_table_over_the_lake(out):
    assert write_audit_database(out, out / "lake") == {"audit_duckdb": out / "audit.duckdb"}
    con = _open(out / "audit.duckdb")
    views = _views(con)
    assert set(TABLES) <= set(views)
    assert set(views) - set(TABLES) <= _shared_view_ids()  # nothing else
    assert con.execute("SELECT principal_name, tags->>'$.team' FROM iam_principals ORDER BY 1").fetchall() == [
        ("ml-approver", "ml"), ("ml-trainer", None)]
    assert con.execute("SELECT event_id, year, month FROM cloudwatch_log_events").fetchall() == [("e1", 2026, 10)]
    assert con.execute("SELECT count(*) FROM cloudtrail_events").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM duckdb_tables()").fetchone() == (0,)  # no findings without a result


def test_write_audit_database_comments_every_view_with_its_table_description(out):
    write_audit_database(out, out / "lake")
    con = _open(out / "audit.duckdb")
    comments = _views(con)
    assert {name: comments[name] for name in TABLES} == {name: t.description for name, t in TABLES.items()}


def test_write_audit_database_with_a_result_adds_check_results_and_findings(out, check):
    write_audit_database(out, out / "lake", _result(check))
    con = _open(out / "audit.duckdb")
    rows = con.execute("SELECT run_id, check_id, title, severity, kind, status, rows_pass, rows_fail, rows_info, "
                       "frameworks, sql FROM check_results").fetchall()  # fmt: skip
    assert len(rows) == 1
    run_id, check_id, title, severity, kind, status, n_pass, n_fail, n_info, frameworks, sql = rows[0]
    assert (run_id, check_id, title, severity, kind, status) == ("run-1", check.id, check.title, check.severity,
                                                                 check.kind, "fail")  # fmt: skip
    assert (n_pass, n_fail, n_info) == (1, 1, 0)
    assert json.loads(frameworks) == check.frameworks and sql == check.sql
    findings = con.execute("SELECT run_id, check_id, severity, resource, status, reason, evidence FROM findings "
                           "ORDER BY resource").fetchall()  # fmt: skip
    assert [f[:6] for f in findings] == [
        ("run-1", check.id, check.severity, "arn:aws:iam::1:role/a", "fail", "bad"),
        ("run-1", check.id, check.severity, "arn:aws:iam::1:role/b", "pass", "ok")]
    assert json.loads(findings[0][6])["detail"] == {"n": 1}
    assert json.loads(findings[1][6])["when"].startswith("2026-10-01")


def test_write_audit_database_of_a_result_without_checks_has_empty_tables(out, check):
    result = _result(check)
    result.checks = []
    write_audit_database(out, out / "lake", result)
    con = _open(out / "audit.duckdb")
    assert con.execute("SELECT (SELECT count(*) FROM check_results), (SELECT count(*) FROM findings)").fetchone() == (
        0, 0)


def test_write_audit_database_replaces_an_earlier_database_whole(out, check):
    write_audit_database(out, out / "lake", _result(check))
    write_audit_database(out, out / "lake")
    con = _open(out / "audit.duckdb")
    assert con.execute("SELECT count(*) FROM duckdb_tables()").fetchone() == (0,)
    assert sorted(p.name for p in out.iterdir()) == ["audit.duckdb", "lake"]


def test_write_audit_database_is_atomic_a_failure_leaves_the_previous_database_and_no_leftovers(out, check):
    write_audit_database(out, out / "lake", _result(check))
    before = (out / "audit.duckdb").read_bytes()
    with pytest.raises(AttributeError):
        write_audit_database(out, out / "lake", result=object())  # not a RunResult: fails after the views are made
    assert (out / "audit.duckdb").read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["audit.duckdb", "lake"]
    con = _open(out / "audit.duckdb")
    assert con.execute("SELECT count(*) FROM check_results").fetchone() == (1,)


def test_audit_database_written_from_relative_paths_works_from_any_directory(out, tmp_path, monkeypatch):
    monkeypatch.chdir(out.parent)
    write_audit_database(Path(out.name), Path(out.name) / "lake")
    monkeypatch.chdir(out / "lake")
    con = _open(out / "audit.duckdb")
    assert con.execute("SELECT count(*) FROM iam_principals").fetchone() == (2,)


def test_write_audit_database_holds_every_row_of_a_50000_row_check(out, check):
    result = _result(check)
    first = result.checks[0].rows[0]
    result.checks[0].rows = [dict(first, resource=f"arn:aws:iam::1:role/r{i:05d}", reason=f"bad {i}")
                             for i in range(50_000)]  # fmt: skip
    write_audit_database(out, out / "lake", result)
    con = _open(out / "audit.duckdb")
    assert con.execute("SELECT count(*), count(DISTINCT resource), min(reason), max(resource) FROM findings").fetchone() == (
        50_000, 50_000, "bad 0", "arn:aws:iam::1:role/r49999")
    evidence = con.execute("SELECT evidence FROM findings WHERE resource = 'arn:aws:iam::1:role/r12345'").fetchone()[0]
    assert json.loads(evidence) == {**first, "resource": "arn:aws:iam::1:role/r12345", "reason": "bad 12345"}
