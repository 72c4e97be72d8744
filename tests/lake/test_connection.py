"""auditreport.lake.connection: one DuckDB connection set up the same way everywhere (UTC, bounded memory), and one
view per lake table over its Parquet files, or an empty typed view when there are none."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from auditreport.lake import TABLES
from auditreport.lake.connection import (
    IN_MEMORY_SCHEMA,
    connect,
    create_views,
    has_files,
    read_small_tables_into_memory,
    settle_lake,
    sql_string,
    view_sql,
)
from auditreport.lake.writer import replace_period_files, replace_table


@pytest.fixture(params=["plain", "it's a lake"])
def lake_root(request, tmp_path) -> Path:
    """A lake folder, once plainly named and once with an apostrophe and a space in its path."""
    return tmp_path / request.param / "lake"


def _views(con) -> dict[str, str | None]:
    return dict(con.execute("SELECT view_name, comment FROM duckdb_views() WHERE NOT internal").fetchall())


def test_sql_string_quotes_apostrophes():
    assert sql_string("it's") == "'it''s'"
    literal = sql_string(Path("/a/it's here"))
    assert duckdb.connect().execute(f"SELECT {literal}").fetchone() == ("/a/it's here",)


def test_connect_sets_utc_whatever_the_session_zone(monkeypatch):
    monkeypatch.setenv("TZ", "America/New_York")
    con = connect()
    assert con.execute("SELECT current_setting('TimeZone')").fetchone() == ("UTC",)
    assert con.execute("SELECT TIMESTAMPTZ '2026-10-01 02:00:00+02' :: TIMESTAMP").fetchone() == (
        datetime(2026, 10, 1, 0, 0),)
    assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0]


def test_connect_with_a_work_dir_spills_into_it(tmp_path):
    work = tmp_path / "it's out"
    con = connect(work_dir=work, memory_limit="1GB")
    assert (work / ".duckdb_tmp").is_dir()
    assert Path(con.execute("SELECT current_setting('temp_directory')").fetchone()[0]) == work / ".duckdb_tmp"


def test_connect_opens_a_database_file_read_only(tmp_path):
    db = tmp_path / "it's.duckdb"
    c = connect(db)
    c.execute("CREATE TABLE t AS SELECT 1 AS a")
    c.close()
    ro = connect(db, read_only=True)
    assert ro.execute("SELECT a FROM t").fetchall() == [(1,)]
    with pytest.raises(duckdb.Error):
        ro.execute("CREATE TABLE u (a INTEGER)")


def test_view_sql_over_no_files_is_an_empty_typed_view(lake_root):
    con = connect()
    for name in ("cloudtrail_events", "iam_principals", "quarantine"):
        assert not has_files(lake_root, name)
        con.execute(view_sql(lake_root, name))
        described = [(r[0], r[1]) for r in con.execute(f'DESCRIBE "{name}"').fetchall()]
        assert described == TABLES[name].all_columns + TABLES[name].view_only_columns
        assert con.execute(f'SELECT count(*) FROM "{name}"').fetchone() == (0,)


def test_view_sql_over_an_empty_table_folder_is_still_the_empty_view(lake_root):
    (lake_root / "iam_principals" / "year=2026").mkdir(parents=True)
    assert not has_files(lake_root, "iam_principals")
    con = connect()
    con.execute(view_sql(lake_root, "iam_principals", "v"))
    assert con.execute("SELECT count(*) FROM v").fetchone() == (0,)


def test_view_sql_over_files_reads_hive_partitions_as_typed_columns(lake_root):
    con = connect()
    rows = [{"event_id": "a", "event_time": datetime(2026, 9, 30, 23), "year": 2026, "month": 9},
            {"event_id": "b", "event_time": datetime(2026, 10, 1, 1), "year": 2026, "month": 10}]
    replace_period_files(con, lake_root, "cloudwatch_log_events", rows, "2026-10")
    assert has_files(lake_root, "cloudwatch_log_events")
    con.execute(view_sql(lake_root, "cloudwatch_log_events", "ev"))
    assert con.execute("SELECT event_id, event_time, year, month, typeof(year), typeof(month) FROM ev ORDER BY 1"
                       ).fetchall() == [("a", datetime(2026, 9, 30, 23), 2026, 9, "INTEGER", "INTEGER"),
                                        ("b", datetime(2026, 10, 1, 1), 2026, 10, "INTEGER", "INTEGER")]
    # partition pruning works on the view: a month filter reads the right folder
    assert con.execute("SELECT event_id FROM ev WHERE month = 10").fetchall() == [("b",)]
    described = [(r[0], r[1]) for r in con.execute("DESCRIBE ev").fetchall()]
    assert described == TABLES["cloudwatch_log_events"].all_columns


def test_view_sql_over_files_of_an_unpartitioned_table(lake_root):
    con = connect()
    replace_table(con, lake_root, "iam_principals", [{"principal_name": "r", "tags": {"k": "v"}}])
    con.execute(view_sql(lake_root, "iam_principals"))
    assert con.execute("SELECT principal_name, tags->>'$.k', typeof(tags) FROM iam_principals").fetchall() == [
        ("r", "v", "JSON")]


def test_create_views_makes_one_view_per_lake_table(lake_root):
    con = connect()
    replace_table(con, lake_root, "cloudwatch_log_groups", [{"log_group_name": "g"}])
    create_views(con, lake_root)
    views = _views(con)
    assert set(views) == set(TABLES)
    assert all(c is None for c in views.values())
    assert con.execute("SELECT log_group_name FROM cloudwatch_log_groups").fetchall() == [("g",)]
    for name in TABLES:
        assert con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] >= 0


def test_create_views_with_comments_describes_each_table(lake_root):
    con = connect()
    create_views(con, lake_root, comments=True)
    assert _views(con) == {name: t.description for name, t in TABLES.items()}


def test_create_views_uses_absolute_paths_so_views_work_from_any_directory(tmp_path, monkeypatch):
    lake = tmp_path / "it's a lake"
    con = connect()
    replace_table(con, lake, "cloudwatch_log_groups", [{"log_group_name": "g"}])
    monkeypatch.chdir(tmp_path)
    create_views(con, Path("it's a lake"))
    monkeypatch.chdir(lake)
    assert con.execute("SELECT log_group_name FROM cloudwatch_log_groups").fetchall() == [("g",)]


def test_create_views_can_be_run_again_after_files_appear(lake_root):
    con = connect()
    create_views(con, lake_root)
    assert con.execute("SELECT count(*) FROM cloudwatch_log_groups").fetchone() == (0,)
    replace_table(con, lake_root, "cloudwatch_log_groups", [{"log_group_name": "g"}])
    create_views(con, lake_root)
    assert con.execute("SELECT count(*) FROM cloudwatch_log_groups").fetchone() == (1,)


def test_the_views_give_each_cloudtrail_row_its_trail_from_its_key(lake_root):
    """``source_trail`` is computed by the views from the key (``<trail>/AWSLogs/...`` when the source reads several trails),
    never stored: NULL for the single-bucket form's keys and for other sources' objects."""
    from auditreport.lake.writer import write_rows

    con = connect()
    events = [{"event_id": "a", "event_time": datetime(2026, 10, 1), "year": 2026, "month": 10,
               "source_key": "prod/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/10/01/x.json.gz"},
              {"event_id": "b", "event_time": datetime(2026, 10, 1), "year": 2026, "month": 10,
               "source_key": "AWSLogs/111122223333/CloudTrail/eu-west-1/2026/10/01/y.json.gz"}]  # fmt: skip
    replace_period_files(con, lake_root, "cloudtrail_events", events, "2026-10")
    objects = [{"source": "cloudtrail", "object_key": events[0]["source_key"]},
               {"source": "cloudtrail_digest", "object_key": "dev/AWSLogs/1/CloudTrail-Digest/eu-west-1/2026/10/01/d.json.gz"},
               {"source": "cloudwatch", "object_key": "x/AWSLogs/not-a-trail.json"}]  # fmt: skip
    write_rows(con, "ingest_objects", objects, lake_root / "ingest_objects" / "part-0.parquet")
    create_views(con, lake_root)
    assert con.execute("SELECT event_id, source_trail FROM cloudtrail_events ORDER BY 1").fetchall() == [("a", "prod"), ("b", None)]
    assert con.execute("SELECT source, source_trail FROM ingest_objects ORDER BY 1").fetchall() == [
        ("cloudtrail", "prod"), ("cloudtrail_digest", "dev"), ("cloudwatch", None)]


def test_read_small_tables_into_memory_keeps_rows_and_types_and_leaves_large_ones_on_disk(lake_root):
    con = connect()
    events = [{"event_id": str(i), "event_time": datetime(2026, 10, 1 + i % 3), "year": 2026, "month": 10}
              for i in range(5)]
    replace_period_files(con, lake_root, "cloudwatch_log_events", events, "2026-10")
    replace_table(con, lake_root, "iam_principals", [{"principal_name": "r", "tags": {"k": "v"}}])
    create_views(con, lake_root)
    before = {n: (con.execute(f'DESCRIBE "{n}"').fetchall(), sorted(con.execute(f'SELECT * FROM "{n}"').fetchall()))
              for n in ("cloudwatch_log_events", "iam_principals")}
    counts = {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in TABLES}
    # at most 4 rows: the principal (1 row) is read into memory, the events (5) stay on disk, empty tables too
    assert read_small_tables_into_memory(con, counts, max_rows=4) == ["iam_principals"]
    in_memory = con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = ?",
                            [IN_MEMORY_SCHEMA]).fetchall()
    assert in_memory == [("iam_principals",)]
    for n, (described, rows) in before.items():
        assert con.execute(f'DESCRIBE "{n}"').fetchall() == described
        assert sorted(con.execute(f'SELECT * FROM "{n}"').fetchall()) == rows
    assert "read_parquet" in con.execute("SELECT sql FROM duckdb_views() WHERE view_name = 'cloudwatch_log_events'"
                                         ).fetchone()[0]
    assert read_small_tables_into_memory(con, counts, max_rows=4) == ["iam_principals"]  # again: nothing changes
    assert sorted(con.execute('SELECT * FROM "iam_principals"').fetchall()) == before["iam_principals"][1]
    # a cursor (a check's thread) reads the same
    assert con.cursor().execute("SELECT principal_name, tags->>'$.k' FROM iam_principals").fetchall() == [("r", "v")]


def test_settle_lake_caches_parquet_metadata_and_reads_small_tables_into_memory(lake_root):
    con = connect()
    replace_table(con, lake_root, "iam_principals", [{"principal_name": "r"}])
    create_views(con, lake_root)
    assert con.execute("SELECT current_setting('parquet_metadata_cache')").fetchone() == (False,)
    assert settle_lake(con, {"iam_principals": 1}) == ["iam_principals"]
    assert con.execute("SELECT current_setting('parquet_metadata_cache')").fetchone() == (True,)
    assert con.cursor().execute("SELECT current_setting('parquet_metadata_cache')").fetchone() == (True,)
