"""auditreport.sql_shell: ``auditreport sql`` over a finished run's folder: every lake table as a view, the run's
check_results and findings from audit.duckdb, output as a table, CSV or JSON lines, and one-line errors."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from auditreport.audit_database import write_audit_database
from auditreport.checks.catalogue import load_catalogue
from auditreport.checks.model import CheckResult
from auditreport.errors import ConfigError
from auditreport.lake import TABLES
from auditreport.lake.connection import connect
from auditreport.lake.writer import replace_period_files, replace_table
from auditreport.period import Period
from auditreport.results import RunResult
from auditreport.sql_shell import open_lake, run_query


def _finished_run(out: Path, with_database: bool = True) -> Path:
    """A small finished run: a few lake tables written with the lake writer, and audit.duckdb with one check's
    result and its findings (a real check of the catalogue)."""
    lake = out / "lake"
    con = connect()
    replace_table(con, lake, "iam_principals", [{"principal_name": "ml-approver", "principal_type": "role"},
                                                {"principal_name": "ml-trainer", "principal_type": "role"}])  # fmt: skip
    replace_period_files(con, lake, "cloudwatch_log_events", [
        {"event_id": "e1", "event_time": datetime(2026, 10, 2, 3, 4), "message": "hello", "year": 2026, "month": 10},
    ], "2026-10")  # fmt: skip
    con.close()
    if with_database:
        check = next(iter(load_catalogue()))
        result = RunResult(run_id="run-1", tool_version="0", organisation="o", period=Period(2026, 10),
                           config_path="", config_sha256="", started_at=datetime.now(timezone.utc),
                           checks=[CheckResult(check=check, status="fail", rows=[
                               {"resource": "r1", "status": "fail", "reason": "why"}])])  # fmt: skip
        write_audit_database(out, lake, result)
    return out


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    return _finished_run(tmp_path_factory.mktemp("sql") / "it's a run")


@pytest.fixture
def con(run_dir):
    c = open_lake(run_dir)
    yield c
    c.close()


def _lines(con, query: str, fmt: str) -> list[str]:
    out: list[str] = []
    run_query(con, query, fmt, out.append)
    return out


def test_open_lake_on_a_folder_without_a_lake_is_a_config_error_naming_it(tmp_path):
    missing = tmp_path / "no run here"
    with pytest.raises(ConfigError) as e:
        open_lake(missing)
    msg = str(e.value)
    assert msg.startswith(f"{missing}: no lake/ folder here") and f"--out {missing}" in msg
    assert "\n" not in msg and e.value.exit_code == 3


def test_every_lake_table_is_queryable(con):
    for name in TABLES:
        described = [(r[0], r[1]) for r in con.execute(f'DESCRIBE "{name}"').fetchall()]
        assert described == TABLES[name].all_columns + TABLES[name].view_only_columns, name
        assert con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] >= 0
    assert con.execute("SELECT principal_name FROM iam_principals ORDER BY 1").fetchall() == [
        ("ml-approver",), ("ml-trainer",)]
    assert con.execute("SELECT event_id, year, month FROM cloudwatch_log_events").fetchall() == [("e1", 2026, 10)]


def test_findings_and_check_results_come_from_audit_duckdb(con):
    check = next(iter(load_catalogue()))
    assert con.execute("SELECT run_id, check_id, status, rows_fail FROM check_results").fetchall() == [
        ("run-1", check.id, "fail", 1)]
    assert con.execute("SELECT check_id, resource, status, reason FROM findings").fetchall() == [
        (check.id, "r1", "fail", "why")]
    assert con.execute("SELECT database_name FROM duckdb_databases() WHERE database_name = 'audit'").fetchall() == [
        ("audit",)]


def test_lake_views_are_read_from_the_lake_not_from_audit_duckdb(run_dir, tmp_path):
    """A run whose audit.duckdb is missing still opens: the lake views are built from the Parquet files."""
    out = _finished_run(tmp_path / "no db", with_database=False)
    c = open_lake(out)
    assert c.execute("SELECT count(*) FROM iam_principals").fetchone() == (2,)
    with pytest.raises(ConfigError, match="query failed: "):
        run_query(c, "SELECT * FROM findings", "table", print)


def test_run_query_table_format(con):
    lines = _lines(con, "SELECT principal_name, principal_type FROM iam_principals ORDER BY 1", "table")
    assert len(lines) == 1
    text = lines[0]
    assert "principal_name" in text and "ml-approver" in text and "ml-trainer" in text


def test_run_query_json_format_is_one_object_per_row(con):
    lines = _lines(con, "SELECT event_id, event_time, message FROM cloudwatch_log_events", "json")
    assert [json.loads(x) for x in lines] == [{"event_id": "e1", "event_time": "2026-10-02 03:04:00",
                                                "message": "hello"}]  # fmt: skip


def test_run_query_csv_format_writes_a_header_and_the_rows(con):
    """CSV goes through ``echo`` like the other formats: one call per record, header first."""
    lines = _lines(con, "SELECT principal_name, principal_type FROM iam_principals ORDER BY 1", "csv")
    rows = list(csv.reader(io.StringIO("\n".join(lines) + "\n")))
    assert rows == [["principal_name", "principal_type"], ["ml-approver", "role"], ["ml-trainer", "role"]]


@pytest.mark.parametrize("query", ["SELECT * FROM no_such_table", "SELEKT 1", "SELECT no_such_column FROM findings"])
def test_a_failing_query_is_a_one_line_config_error(con, query):
    with pytest.raises(ConfigError) as e:
        run_query(con, query, "table", print)
    msg = str(e.value)
    assert msg.startswith("query failed: ") and "\n" not in msg


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_a_query_failing_while_it_runs_is_a_one_line_config_error_too(con, fmt):
    with pytest.raises(ConfigError) as e:
        run_query(con, "SELECT CAST(principal_name AS INTEGER) FROM iam_principals", fmt, print)
    assert str(e.value).startswith("query failed: ") and "\n" not in str(e.value)
