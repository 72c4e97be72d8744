"""``auditreport sql`` cannot change any file under ``--out`` nor write outside it, and still reads everything.

Every attempt runs through the real command line against a real (small) run's output folder; afterwards every file
under ``--out`` is byte-identical (SHA-256 of each, same modes, nothing added or removed), and nothing appeared in
the folder the attempts aim at, in the working directory, or in ``$HOME`` (where DuckDB keeps extensions and
secrets)."""

from __future__ import annotations

import csv
import io
import json
import os

import pytest

from auditreport.lake import TABLES

from .cli_support import cli, finished_run, one_error_line, tree_state


@pytest.fixture(scope="module")
def run_out(tmp_path_factory):
    return finished_run(tmp_path_factory.mktemp("sqlrun"))


@pytest.fixture
def sandbox(tmp_path):
    """An empty target folder outside --out, an empty working directory and an empty HOME for the child."""
    outside, cwd, home = tmp_path / "outside", tmp_path / "cwd", tmp_path / "home"
    for d in (outside, cwd, home):
        d.mkdir()
    env = {**os.environ, "HOME": str(home)}
    yield outside, cwd, env
    for d in (outside, cwd, home):
        assert list(d.rglob("*")) == [], f"a file appeared in {d}: {list(d.rglob('*'))}"


WRITE_ATTEMPTS = [
    "COPY (SELECT 1 AS x) TO '{out}/lake/cloudtrail_events/injected.parquet' (FORMAT parquet)",
    "COPY (SELECT * FROM ingest_objects) TO '{out}/lake/ingest_objects/dup.parquet' (FORMAT parquet)",
    "COPY findings TO '{out}/findings.json'",
    "COPY (SELECT 1) TO '{outside}/x.csv'",
    "COPY (SELECT 1) TO 'relative.csv'",
    "SELECT 1; COPY (SELECT 1) TO '{outside}/second.csv'",
    "EXPLAIN ANALYZE COPY (SELECT 1) TO '{outside}/explained.csv'",
    "EXPLAIN (ANALYZE) COPY (SELECT 1) TO '{out}/lake/explained.csv'",
    "EXPORT DATABASE '{outside}/export'",
    "EXPORT DATABASE '{out}/lake/export'",
    "IMPORT DATABASE '{out}/lake'",
    "ATTACH '{out}/audit.duckdb' AS rw; DROP TABLE rw.findings",
    "ATTACH '{out}/audit.duckdb' AS rw (READ_WRITE)",
    "ATTACH '{outside}/new.duckdb' AS fresh",
    "DETACH audit",
    "DROP VIEW findings",
    "DROP TABLE audit.findings",
    "DELETE FROM audit.findings",
    "UPDATE audit.findings SET status = 'pass'",
    "INSERT INTO audit.findings SELECT * FROM audit.findings",
    "CREATE TABLE audit.planted AS SELECT 1 AS x",
    "CREATE TABLE planted AS SELECT 1 AS x",
    "CREATE OR REPLACE VIEW cloudtrail_events AS SELECT 1 AS x",
    "ALTER VIEW findings RENAME TO gone",
    "COMMENT ON VIEW findings IS 'rewritten'",
    "CREATE PERSISTENT SECRET leak (TYPE s3, KEY_ID 'a', SECRET 'b')",
    "INSTALL httpfs",
    "LOAD httpfs",
    "LOAD '{outside}/evil.duckdb_extension'",
    "FORCE INSTALL json",
    "UPDATE EXTENSIONS",
    "SET enable_external_access = true",
    "RESET enable_external_access",
    "SET allowed_directories = ['/']",
    "SET lock_configuration = false",
    "SET temp_directory = '{outside}'",
    "PRAGMA profiling_output = '{outside}/profile.json'",
    "PRAGMA enable_profiling",
    "SET VARIABLE x = 1",
    "USE audit",
    "CALL enable_logging()",
    "CHECKPOINT audit",
    "FORCE CHECKPOINT",
    "VACUUM",
    "PREPARE p AS COPY (SELECT 1) TO '{outside}/prepared.csv'",
    "EXECUTE p",
    "BEGIN TRANSACTION",
    "SELECT * FROM query('COPY (SELECT 1) TO ''{outside}/q.csv''')",
    "SELECT * FROM read_text('{out}/manifest.json')",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM glob('{outside}/*')",
]


@pytest.mark.parametrize("attempt", WRITE_ATTEMPTS)
def test_a_write_attempt_is_refused_in_one_line_exit_3_and_no_file_changes(run_out, sandbox, attempt):
    outside, cwd, env = sandbox
    before = tree_state(run_out)
    r = cli("sql", "--out", run_out, attempt.format(out=run_out, outside=outside), cwd=cwd, env=env)
    line = one_error_line(r)
    assert r.returncode == 3, r.stderr
    assert line.startswith(("auditreport: error: query refused: ", "auditreport: error: query failed: ")), line
    assert tree_state(run_out) == before


def test_the_prompt_refuses_every_write_attempt_and_keeps_going(run_out, sandbox):
    """The interactive shell, fed every attempt and a bad statement in one session: each gets one error line, the
    prompt never crashes, the reads after them still work, and not one byte under --out changes."""
    outside, cwd, env = sandbox
    before = tree_state(run_out)
    statements = [a.format(out=run_out, outside=outside) for a in WRITE_ATTEMPTS]
    script = ";\n".join(statements + ["SELECT CAST(principal_name AS INTEGER) FROM iam_principals", "SELEKT",
                                      "SELECT count(*) AS n_findings FROM findings"]) + ";\n"  # fmt: skip
    r = cli("sql", "--out", run_out, "--format", "json", cwd=cwd, env=env, input=script)
    assert r.returncode == 0 and "Traceback" not in r.stdout + r.stderr, r.stdout + r.stderr
    assert "read-only:" in r.stdout.splitlines()[1]
    errors = [x for x in r.stdout.split("sql> ") if x.startswith("error: ")]
    assert len(errors) >= len(WRITE_ATTEMPTS) + 2
    assert '"n_findings": ' in r.stdout.rsplit("sql> ", 2)[-2]
    assert tree_state(run_out) == before


def test_every_lake_table_and_the_run_s_results_stay_readable(run_out, sandbox):
    outside, cwd, env = sandbox
    for name in [*TABLES, "findings", "check_results"]:
        r = cli("sql", "--out", run_out, "--format", "json", f'SELECT count(*) AS n FROM "{name}"', cwd=cwd, env=env)
        assert r.returncode == 0, f"{name}: {r.stderr}"
        assert json.loads(r.stdout)["n"] >= 0
    r = cli("sql", "--out", run_out, "--format", "json",
            "SELECT (SELECT count(*) FROM cloudtrail_events) AS events, (SELECT count(*) FROM findings) AS findings",
            cwd=cwd, env=env)  # fmt: skip
    got = json.loads(r.stdout)
    assert got["events"] > 0 and got["findings"] > 0
    for q in ["SHOW TABLES", "DESCRIBE findings", "SUMMARIZE iam_principals", "PRAGMA table_info('findings')",
              "EXPLAIN SELECT * FROM findings", "EXPLAIN ANALYZE SELECT count(*) FROM cloudtrail_events",
              "FROM check_results LIMIT 1", "WITH f AS (SELECT * FROM findings) SELECT count(*) FROM f"]:  # fmt: skip
        r = cli("sql", "--out", run_out, q, cwd=cwd, env=env)
        assert r.returncode == 0 and r.stderr == "", f"{q}: {r.stderr}"


def test_the_checks_shared_views_are_readable(run_out, sandbox):
    from auditreport.checks.catalogue import load_catalogue

    outside, cwd, env = sandbox
    views = list(load_catalogue().views)
    assert views
    for view in views:
        r = cli("sql", "--out", run_out, f'SELECT count(*) AS n FROM "{view}"', "--format", "json", cwd=cwd, env=env)
        assert r.returncode == 0, f"{view}: {r.stderr}"


def test_csv_output_neutralises_formula_leading_cells_as_the_evidence_csvs_do(run_out, sandbox):
    """Each of = + - @ tab CR at the start of a text cell (and of a column name) gets an apostrophe, as in
    evidence/*.csv; numbers and other text are unchanged."""
    from auditreport.report.values import csv_text

    outside, cwd, env = sandbox
    payloads = ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd", "plain", "a=b"]
    select = ", ".join(f"'{p}' AS c{i}" for i, p in enumerate(payloads))
    r = cli("sql", "--out", run_out, "--format", "csv", f'SELECT {select}, -5 AS n, 1 AS "=col"', cwd=cwd, env=env,
            text=False)  # bytes: the CR inside a quoted cell must reach the CSV reader as it was written
    assert r.returncode == 0, r.stderr
    header, row = list(csv.reader(io.StringIO(r.stdout.decode("utf-8"), newline="")))
    assert header[-1] == "'=col"
    assert row[:-2] == [csv_text(p) for p in payloads] == ["'" + p for p in payloads[:6]] + ["plain", "a=b"]
    assert row[-2:] == ["-5", "1"]


def test_a_query_failing_while_it_runs_exits_3_with_one_line(run_out, sandbox):
    outside, cwd, env = sandbox
    for fmt in ("table", "csv", "json"):
        r = cli("sql", "--out", run_out, "--format", fmt, "SELECT CAST(principal_name AS INTEGER) FROM iam_principals",
                cwd=cwd, env=env)  # fmt: skip
        line = one_error_line(r)
        assert r.returncode == 3 and line.startswith("auditreport: error: query failed: Conversion Error"), line

