"""auditreport.lake.writer: rows into lake-shaped tables, atomic Parquet files, whole-table and per-period
replacement, and quarantine files. Real DuckDB connections and real files throughout."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest

from auditreport.lake import TABLES
from auditreport.lake.connection import connect, create_views, sql_string
from auditreport.lake.writer import (create_temp_table, insert_rows, quarantine_path, quarantine_row,
                                     replace_period_files, replace_table, write_parquet, write_quarantine, write_rows,
                                     write_table_rows)  # fmt: skip

PLUS2 = timezone(timedelta(hours=2))


@pytest.fixture(params=["plain", "it's a lake"])
def lake_root(request, tmp_path) -> Path:
    """A lake folder, once plainly named and once with an apostrophe and a space in its path."""
    return tmp_path / request.param / "lake"


@pytest.fixture
def con():
    c = connect()
    yield c
    c.close()


def _leftovers(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name.endswith((".staging", ".old", ".tmp"))] if root.exists() else []


def _view_rows(con, root: Path, table: str, order: str) -> list[tuple]:
    create_views(con, root)
    return con.execute(f'SELECT {order} FROM "{table}" ORDER BY {order}').fetchall()


def _event(event_id: str, when: datetime) -> dict:
    return {"log_group_name": "/ml/x", "event_id": event_id, "event_time": when, "message": f"m-{event_id}",
            "year": when.year, "month": when.month, "ingest_run_id": "r1"}


# -- insert_rows -----------------------------------------------------------------------------------------------------


def test_insert_rows_round_trips_dicts_and_lists_into_json_columns(con):
    create_temp_table(con, "iam_principals", "t")
    doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "x"}}]}
    insert_rows(con, "iam_principals", "t", [
        {"principal_name": "a", "assume_role_policy": doc, "attached_managed_policy_arns": ["arn:1", "arn:2"],
         "tags": {}, "group_names": []},
        {"principal_name": "b"},
    ])  # fmt: skip
    rows = con.execute("SELECT principal_name, assume_role_policy, attached_managed_policy_arns, tags, group_names, "
                       "typeof(assume_role_policy) FROM t ORDER BY 1").fetchall()  # fmt: skip
    a, b = rows
    assert json.loads(a[1]) == doc and json.loads(a[2]) == ["arn:1", "arn:2"]
    assert json.loads(a[3]) == {} and json.loads(a[4]) == []
    assert a[5] == "JSON"
    assert b[1:5] == (None, None, None, None)  # missing keys are NULL, not the JSON text 'null'
    assert con.execute("SELECT assume_role_policy->>'$.Statement[0].Principal.Service' FROM t WHERE principal_name = 'a'"
                       ).fetchone() == ("x",)


def test_insert_rows_stores_timestamps_as_naive_utc(con):
    create_temp_table(con, "cloudwatch_log_groups", "t")
    insert_rows(con, "cloudwatch_log_groups", "t", [
        {"log_group_name": "naive", "creation_time": datetime(2026, 10, 1, 12, 30, 15, 123000)},
        {"log_group_name": "utc", "creation_time": datetime(2026, 10, 1, 12, 30, tzinfo=timezone.utc)},
        {"log_group_name": "plus2", "creation_time": datetime(2026, 10, 1, 14, 30, tzinfo=PLUS2)},
        {"log_group_name": "none", "creation_time": None},
    ])  # fmt: skip
    got = dict(con.execute("SELECT log_group_name, creation_time FROM t").fetchall())
    assert got == {"naive": datetime(2026, 10, 1, 12, 30, 15, 123000), "utc": datetime(2026, 10, 1, 12, 30),
                   "plus2": datetime(2026, 10, 1, 12, 30), "none": None}  # fmt: skip
    assert con.execute("SELECT DISTINCT typeof(creation_time) FROM t").fetchall() == [("TIMESTAMP",)]


def test_insert_rows_casts_every_column_to_the_declared_type(con):
    create_temp_table(con, "cloudwatch_log_groups", "t")
    insert_rows(con, "cloudwatch_log_groups", "t", [
        {"log_group_name": "g", "retention_in_days": 365, "stored_bytes": 2**40, "account_id": "111122223333"}])
    row = con.execute("SELECT retention_in_days, stored_bytes, account_id, typeof(retention_in_days), "
                      "typeof(stored_bytes) FROM t").fetchone()  # fmt: skip
    assert row == (365, 2**40, "111122223333", "INTEGER", "BIGINT")


def test_insert_rows_with_no_rows_inserts_nothing(con):
    create_temp_table(con, "quarantine", "t")
    insert_rows(con, "quarantine", "t", [])
    assert con.execute("SELECT count(*) FROM t").fetchone() == (0,)


def test_create_temp_table_replaces_an_earlier_temp_table_of_that_name(con):
    create_temp_table(con, "quarantine", "t")
    insert_rows(con, "quarantine", "t", [quarantine_row("s", "k", "r", "d", "run")])
    create_temp_table(con, "quarantine", "t")
    assert con.execute("SELECT count(*) FROM t").fetchone() == (0,)
    assert [c[0] for c in con.execute("DESCRIBE t").fetchall()] == [c for c, _ in TABLES["quarantine"].all_columns]


# -- write_parquet / write_rows --------------------------------------------------------------------------------------


def test_write_parquet_writes_one_file_at_the_path(con, lake_root):
    path = lake_root / "x" / "f.parquet"
    write_parquet(con, "SELECT 1 AS a UNION ALL SELECT $v AS a", path, {"v": 2})
    assert sorted(con.execute(f"SELECT a FROM read_parquet({sql_string(path)})").fetchall()) == [(1,), (2,)]
    assert _leftovers(lake_root) == []


def test_write_parquet_is_atomic_a_failing_copy_leaves_the_previous_file_and_no_temp_file(con, lake_root):
    path = lake_root / "x" / "f.parquet"
    write_parquet(con, "SELECT 'old' AS a", path)
    before = path.read_bytes()
    with pytest.raises(duckdb.Error):
        write_parquet(con, "SELECT CAST('not a number' AS INTEGER) AS a", path)
    assert path.read_bytes() == before
    assert con.execute(f"SELECT a FROM read_parquet({sql_string(path)})").fetchall() == [("old",)]
    assert sorted(p.name for p in path.parent.iterdir()) == ["f.parquet"]


def test_write_rows_writes_rows_shaped_like_the_table(con, lake_root):
    path = lake_root / "ingest_objects" / "batch-1.parquet"
    write_rows(con, "ingest_objects", [{"source": "cloudtrail", "object_key": "k", "size_bytes": 10}], path)
    cols = [c[0] for c in con.execute(f"DESCRIBE SELECT * FROM read_parquet({sql_string(path)})").fetchall()]
    assert cols == [c for c, _ in TABLES["ingest_objects"].all_columns]
    assert _view_rows(con, lake_root, "ingest_objects", "object_key") == [("k",)]
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '_rows_%'").fetchone() == (0,)


# -- replace_table ---------------------------------------------------------------------------------------------------


def test_replace_table_replaces_an_unpartitioned_table_whole(con, lake_root):
    table = "cloudwatch_log_groups"
    assert not TABLES[table].partitioned
    assert replace_table(con, lake_root, table, [{"log_group_name": n} for n in ("a", "b", "c")]) == 3
    (lake_root / table / "stray-from-an-old-run.parquet").write_bytes(
        (lake_root / table / "part-0.parquet").read_bytes())
    assert replace_table(con, lake_root, table, [{"log_group_name": "d"}]) == 1
    assert _view_rows(con, lake_root, table, "log_group_name") == [("d",)]
    assert sorted(p.name for p in (lake_root / table).iterdir()) == ["part-0.parquet"]
    assert _leftovers(lake_root) == [] and sorted(p.name for p in lake_root.iterdir()) == [table]


def test_replace_table_replaces_a_partitioned_table_whole_old_months_included(con, lake_root):
    table = "cloudwatch_log_events"
    assert TABLES[table].partitioned
    replace_table(con, lake_root, table, [_event("sep", datetime(2026, 9, 3)), _event("oct", datetime(2026, 10, 3))])
    assert _view_rows(con, lake_root, table, "event_id, year, month") == [("oct", 2026, 10), ("sep", 2026, 9)]
    replace_table(con, lake_root, table, [_event("nov", datetime(2026, 11, 4))])
    assert _view_rows(con, lake_root, table, "event_id, year, month") == [("nov", 2026, 11)]
    assert [p.relative_to(lake_root / table).as_posix() for p in sorted((lake_root / table).rglob("*.parquet"))] == [
        "year=2026/month=11/part-0.parquet"]
    assert _leftovers(lake_root) == [] and sorted(p.name for p in lake_root.iterdir()) == [table]


def test_replace_table_with_no_rows_empties_the_table(con, lake_root):
    replace_table(con, lake_root, "cloudwatch_log_groups", [{"log_group_name": "a"}])
    assert replace_table(con, lake_root, "cloudwatch_log_groups", []) == 0
    assert _view_rows(con, lake_root, "cloudwatch_log_groups", "log_group_name") == []


def test_replace_table_that_fails_leaves_the_previous_table_and_no_leftovers(con, lake_root):
    replace_table(con, lake_root, "cloudwatch_log_groups", [{"log_group_name": "kept", "retention_in_days": 1}])
    with pytest.raises(duckdb.Error):
        replace_table(con, lake_root, "cloudwatch_log_groups", [{"log_group_name": "x", "retention_in_days": "many"}])
    assert _view_rows(con, lake_root, "cloudwatch_log_groups", "log_group_name") == [("kept",)]
    assert _leftovers(lake_root) == []


# -- replace_period_files --------------------------------------------------------------------------------------------


def test_replace_period_files_replaces_one_periods_files_and_keeps_other_months(con, lake_root):
    table = "cloudwatch_log_events"
    replace_period_files(con, lake_root, table, [_event("sep-1", datetime(2026, 9, 1))], "2026-09")
    replace_period_files(con, lake_root, table, [_event("oct-1", datetime(2026, 10, 1)),
                                                 _event("oct-2", datetime(2026, 10, 31, 23))], "2026-10")
    assert [r[0] for r in _view_rows(con, lake_root, table, "event_id")] == ["oct-1", "oct-2", "sep-1"]
    # a second run of October replaces October's rows only
    assert replace_period_files(con, lake_root, table, [_event("oct-3", datetime(2026, 10, 2))], "2026-10") == 1
    assert _view_rows(con, lake_root, table, "event_id, month") == [("oct-3", 10), ("sep-1", 9)]
    names = sorted(p.relative_to(lake_root / table).as_posix() for p in (lake_root / table).rglob("*.parquet"))
    assert names == ["year=2026/month=10/period-2026-10-0.parquet", "year=2026/month=9/period-2026-09-0.parquet"]


def test_replace_period_files_also_replaces_the_periods_rows_that_fell_in_a_neighbouring_month(con, lake_root):
    table = "cloudwatch_log_events"
    replace_period_files(con, lake_root, table, [_event("margin", datetime(2026, 11, 1, 0, 5))], "2026-10")
    replace_period_files(con, lake_root, table, [_event("nov", datetime(2026, 11, 2))], "2026-11")
    replace_period_files(con, lake_root, table, [_event("oct", datetime(2026, 10, 2))], "2026-10")
    assert [r[0] for r in _view_rows(con, lake_root, table, "event_id")] == ["nov", "oct"]


def test_replace_period_files_with_no_rows_removes_the_period_and_keeps_the_rest(con, lake_root):
    table = "cloudwatch_log_events"
    replace_period_files(con, lake_root, table, [_event("sep", datetime(2026, 9, 1))], "2026-09")
    replace_period_files(con, lake_root, table, [_event("oct", datetime(2026, 10, 1))], "2026-10")
    assert replace_period_files(con, lake_root, table, [], "2026-10") == 0
    assert _view_rows(con, lake_root, table, "event_id") == [("sep",)]


def test_replace_period_files_refuses_an_unpartitioned_table(con, lake_root):
    with pytest.raises(ValueError, match="cloudwatch_log_groups is not a partitioned table"):
        replace_period_files(con, lake_root, "cloudwatch_log_groups", [{"log_group_name": "a"}], "2026-10")
    assert not lake_root.exists()


# -- write_table_rows ------------------------------------------------------------------------------------------------


def test_write_table_rows_writes_period_files_for_an_event_table(con, lake_root):
    table = "cloudwatch_log_events"
    write_table_rows(con, lake_root, table, [_event("sep", datetime(2026, 9, 1))], "2026-09")
    assert write_table_rows(con, lake_root, table, [_event("oct", datetime(2026, 10, 1))], "2026-10") == 1
    assert [r[0] for r in _view_rows(con, lake_root, table, "event_id")] == ["oct", "sep"]  # September kept
    assert all(p.name.startswith("period-") for p in (lake_root / table).rglob("*.parquet"))


def test_write_table_rows_replaces_a_snapshot_table_whole(con, lake_root):
    table = "cloudwatch_log_groups"
    write_table_rows(con, lake_root, table, [{"log_group_name": "old"}], "2026-09")
    assert write_table_rows(con, lake_root, table, [{"log_group_name": "new"}], "2026-10") == 1
    assert _view_rows(con, lake_root, table, "log_group_name") == [("new",)]


# -- quarantine ------------------------------------------------------------------------------------------------------


def test_quarantine_row_is_a_row_of_the_quarantine_table():
    before = datetime.now(timezone.utc).replace(tzinfo=None)
    row = quarantine_row("iam", "a/b.json", "malformed_json", "line 1", "run-1", record_index=3, excerpt="{")
    assert set(row) == {c for c, _ in TABLES["quarantine"].all_columns}
    assert (row["source"], row["object_key"], row["reason"], row["detail"], row["ingest_run_id"]) == (
        "iam", "a/b.json", "malformed_json", "line 1", "run-1")
    assert (row["record_index"], row["raw_excerpt"]) == (3, "{")
    assert row["quarantined_at"].tzinfo is None and before <= row["quarantined_at"] <= datetime.now(timezone.utc
                                                                                                     ).replace(tzinfo=None)
    whole = quarantine_row("iam", "a/b.json", "corrupt_gzip", "d", "run-1")
    assert whole["record_index"] is None and whole["raw_excerpt"] is None


def test_write_quarantine_writes_replaces_and_with_no_rows_removes_the_file(con, lake_root):
    path = quarantine_path(lake_root, "snapshot-iam")
    assert path == lake_root / "quarantine" / "snapshot-iam.parquet"
    write_quarantine(con, lake_root, "snapshot-iam", [quarantine_row("iam", "k1", "r", "d", "run")])
    write_quarantine(con, lake_root, "batch-1", [quarantine_row("cloudtrail", "k2", "r", "d", "run", record_index=0)])
    assert _view_rows(con, lake_root, "quarantine", "object_key") == [("k1",), ("k2",)]
    write_quarantine(con, lake_root, "snapshot-iam", [quarantine_row("iam", "k3", "r", "d", "run")])
    assert _view_rows(con, lake_root, "quarantine", "object_key") == [("k2",), ("k3",)]
    write_quarantine(con, lake_root, "snapshot-iam", [])
    assert not path.exists()
    assert _view_rows(con, lake_root, "quarantine", "object_key") == [("k2",)]
    write_quarantine(con, lake_root, "never-written", [])  # no rows and no file: nothing to do, no error
    assert not quarantine_path(lake_root, "never-written").exists()
    assert _leftovers(lake_root) == []


def test_replace_period_files_of_a_quarter_writes_what_three_monthly_runs_would(con, lake_root, tmp_path):
    """A quarter's rows go to the files of the month they fall in (a margin day's to the first or last month), so a
    quarterly run and a daily extract of one of its months replace each other's files, never duplicate them."""
    table = "cloudwatch_log_events"
    rows = [_event("sep-30", datetime(2026, 9, 30, 23)), _event("oct", datetime(2026, 10, 2)),
            _event("nov", datetime(2026, 11, 2)), _event("dec", datetime(2026, 12, 31)),
            _event("jan-1", datetime(2027, 1, 1, 0, 5))]
    assert replace_period_files(con, lake_root, table, rows, "2026-Q4") == 5
    names = sorted(p.relative_to(lake_root / table).as_posix() for p in (lake_root / table).rglob("*.parquet"))
    assert names == ["year=2026/month=10/period-2026-10-0.parquet", "year=2026/month=11/period-2026-11-0.parquet",
                     "year=2026/month=12/period-2026-12-0.parquet", "year=2026/month=9/period-2026-10-0.parquet",
                     "year=2027/month=1/period-2026-12-0.parquet"]
    monthly = tmp_path / "monthly"
    replace_period_files(con, monthly, table, rows[:2], "2026-10")
    replace_period_files(con, monthly, table, rows[2:3], "2026-11")
    replace_period_files(con, monthly, table, rows[3:], "2026-12")
    assert sorted(p.relative_to(monthly / table).as_posix() for p in (monthly / table).rglob("*.parquet")) == names
    # December extracted again (a daily extract): December's rows replaced, October's and November's kept, once each
    replace_period_files(con, lake_root, table, [_event("dec-2", datetime(2026, 12, 1))], "2026-12")
    assert [r[0] for r in _view_rows(con, lake_root, table, "event_id")] == ["dec-2", "nov", "oct", "sep-30"]
    # the quarter again: every month of it replaced, nothing twice
    replace_period_files(con, lake_root, table, rows, "2026-Q4")
    assert [r[0] for r in _view_rows(con, lake_root, table, "event_id")] == ["dec", "jan-1", "nov", "oct", "sep-30"]


def test_replace_period_files_of_a_year_with_no_rows_empties_each_of_its_months(con, lake_root):
    table = "cloudwatch_log_events"
    replace_period_files(con, lake_root, table, [_event("mar", datetime(2026, 3, 1))], "2026-03")
    replace_period_files(con, lake_root, table, [_event("jan27", datetime(2027, 1, 5))], "2027-01")
    assert replace_period_files(con, lake_root, table, [], "2026") == 0
    assert _view_rows(con, lake_root, table, "event_id") == [("jan27",)]
