"""engines/athena_ddl.py and ``auditreport lake ddl``: the lake's tables and shared views as Athena statements, parsed
with Athena's own grammars (Hive for DDL, Trino for views: tests/engines/sql_grammar.py), checked against the lake's
schema and against the folders the lake's writer really makes."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp

from auditreport.checks.catalogue import load_catalogue
from auditreport.checks.cases import insert_case_tables, load_cases, new_lake
from auditreport.engines.athena_ddl import (PROJECTION, athena_ddl, expand_stars, hive_string, render, stored_name,
                                            unreachable_folders)
from auditreport.errors import ConfigError
from auditreport.lake import TABLES
from auditreport.lake.connection import connect, create_views
from auditreport.lake.writer import replace_period_files
from auditreport.resources import queries_dir

from .sql_grammar import syntax_problems

LOCATION = "s3://example-audit-lake/auditreport/lake"
DDL = athena_ddl(LOCATION, "audit")
BY_NAME = {s.name: s for s in DDL.statements}


def cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "auditreport.cli", *args], capture_output=True, text=True, timeout=300)


def test_every_statement_parses_with_athenas_grammars():
    problems = syntax_problems([(s.name, s.grammar, s.sql) for s in DDL.statements])
    assert not problems, "statements Athena's grammars refuse:\n" + "\n".join(p.line() for p in problems.values())


def test_the_grammars_refuse_what_athena_would_refuse():
    """The check can fail: a column without a type, and DuckDB's GLOB in a view, are refused by name; a description
    with a quote and a backslash, escaped as Hive escapes them, is not."""
    quoted = hive_string("it's a back\\slash")
    problems = syntax_problems([
        ("table_without_type", "hive", "CREATE EXTERNAL TABLE t (a) STORED AS PARQUET LOCATION 's3://b/t/'"),
        ("quoted_comment", "hive", f"CREATE EXTERNAL TABLE t (a string) COMMENT {quoted} STORED AS PARQUET "
                                   "LOCATION 's3://b/t/'"),
        ("view_with_glob", "trino", "CREATE VIEW v AS SELECT * FROM t WHERE arn GLOB 'arn:*'"),
        ("good_view", "trino", "CREATE OR REPLACE VIEW \"audit\".\"v\" AS SELECT a FROM audit.t WHERE arn LIKE 'a%'"),
    ])  # fmt: skip
    assert set(problems) == {"table_without_type", "view_with_glob"}
    assert "GLOB" in problems["view_with_glob"].message


@pytest.mark.parametrize("name", sorted(TABLES))
def test_each_lake_table_is_an_external_table_of_its_declared_columns(name):
    t = TABLES[name]
    sql = BY_NAME[stored_name(t)].sql
    columns = re.findall(r"^  `(\w+)` (\w+),?$", sql.split(")\nCOMMENT")[0], re.M)
    assert [c for c, _ in columns] == [c for c, _ in t.stored_columns]
    json_columns = {c for c, typ in t.stored_columns if typ == "JSON"}
    assert all(typ == "string" for c, typ in columns if c in json_columns)  # JSON documents stay text
    assert f"LOCATION '{LOCATION}/{name}/'" in sql and "STORED AS PARQUET" in sql
    if t.partitioned:
        assert "PARTITIONED BY (`year` int, `month` int)" in sql
        assert "'projection.enabled' = 'true'" in sql
        assert f"'storage.location.template' = '{LOCATION}/{name}/year=${{year}}/month=${{month}}/'" in sql
    else:
        assert "PARTITIONED BY" not in sql and "projection" not in sql


def test_computed_columns_are_a_view_over_the_stored_table():
    for t in TABLES.values():
        if t.derived:
            view = BY_NAME[t.name]
            assert view.grammar == "trino" and f'audit."{t.name}_stored"' in view.sql
            for col, _, _ in t.derived:
                assert f'AS "{col}"' in view.sql


def _projected(column: str) -> range:
    spec = PROJECTION[column]
    assert spec["type"] == "integer" and "digits" not in spec  # values written as plain integers: month=9
    low, high = map(int, spec["range"].split(","))
    return range(low, high + 1)


@pytest.mark.parametrize("year, month", [(2026, 9), (2026, 10), (2013, 11), (2099, 12)])
def test_projection_finds_the_folders_the_lake_writer_makes(tmp_path, year, month):
    con = connect()
    rows = [{"event_id": "e1", "event_time": None, "year": year, "month": month}]
    replace_period_files(con, tmp_path, "cloudtrail_events", rows, f"{year:04d}-{month:02d}")
    written = {p.parent.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.parquet")}
    template = re.search(r"'storage.location.template' = '([^']+)'", BY_NAME["cloudtrail_events_stored"].sql)[1]
    projected = template.replace("${year}", str(year)).replace("${month}", str(month))
    assert {f"{LOCATION}/{w}/" for w in written} == {projected}
    assert year in _projected("year") and month in _projected("month")


def test_folders_the_projection_does_not_reach_are_named(tmp_path):
    """An event time before 2013, or none (DuckDB writes a null partition value as __HIVE_DEFAULT_PARTITION__), puts
    rows where Athena, going by the projection, never looks: each such folder is named, the reachable ones are not."""
    con = connect()
    lake = tmp_path / "lake"
    replace_period_files(con, lake, "cloudtrail_events", [{"event_id": "ok", "year": 2026, "month": 10},
                                                          {"event_id": "old", "year": 2009, "month": 10}], "2026-10")
    replace_period_files(con, lake, "cloudtrail_digest_signatures", [{"year": None, "month": None}], "2026-10")
    (lake / "cloudtrail_digests").mkdir()
    (lake / "cloudtrail_digests" / "stray.parquet").write_bytes((next(lake.rglob("*.parquet"))).read_bytes())
    expected = ["cloudtrail_digest_signatures/year=__HIVE_DEFAULT_PARTITION__/month=__HIVE_DEFAULT_PARTITION__",
                "cloudtrail_digests", "cloudtrail_events/year=2009/month=10"]
    assert unreachable_folders(lake) == expected
    ddl = athena_ddl(LOCATION, "audit", lake_root=lake)
    assert ddl.unreachable == expected and not ddl.complete
    r = cli("lake", "ddl", "--location", LOCATION, "--database", "audit", "--out", str(tmp_path))
    assert r.returncode == 2 and r.stdout == render(ddl)
    assert "auditreport: lake folder cloudtrail_events/year=2009/month=10 is outside the partition projection: " \
        "Athena will not read its files" in r.stderr.splitlines()


def test_views_read_the_tables_of_their_own_database():
    names = set(TABLES) | {stored_name(t) for t in TABLES.values()} | {s.name for s in DDL.statements}
    for s in DDL.statements:
        if s.grammar == "trino":
            body = sqlglot.parse_one(s.sql.split(" AS\n", 1)[1], read="trino")
            for table in body.find_all(exp.Table):
                if table.name in names:
                    assert table.db == "audit", f"{s.name} reads {table.name} without its database"


def test_each_view_returns_in_athena_the_columns_it_returns_in_duckdb(tmp_path):
    """No column twice, none added by the transpilation (the ROW_NUMBER column sqlglot writes for QUALIFY), none lost:
    the checks read the same columns on both engines. DuckDB's side is the run's own views over an empty lake."""
    con = connect()
    create_views(con, tmp_path)
    load_catalogue().create_views(con)
    for s in DDL.statements:
        if s.grammar != "trino":
            continue
        returned = sqlglot.parse_one(s.sql.split(" AS\n", 1)[1], read="trino").named_selects
        if s.name in TABLES:  # a lake table's computed columns over <table>_stored: * is its stored columns
            i = returned.index("*")
            returned[i:i + 1] = [c for c, _ in TABLES[s.name].all_columns]
        in_duckdb = [r[0] for r in con.execute(f'DESCRIBE "{s.name}"').fetchall()]
        assert returned == in_duckdb, f"view {s.name} returns other columns in Athena than in DuckDB"


VIEWS = load_catalogue().views


@pytest.mark.parametrize("view_id", sorted(VIEWS))
def test_writing_out_a_views_stars_keeps_its_rows(view_id):
    """expand_stars changes how a view is written, not what it returns: on each of the view's own test cases, DuckDB
    gives the same rows for the view as written and as expanded."""
    view = VIEWS[view_id]
    cases = load_cases(view.path.with_suffix(".yaml"))
    for case in cases:
        con = new_lake(load_catalogue())
        insert_case_tables(con, case.get("tables"))
        columns = {name: dict(con.execute(f'SELECT column_name, column_type FROM (DESCRIBE "{name}")').fetchall())
                   for (name,) in con.execute("SELECT table_name FROM duckdb_tables() UNION "
                                              "SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
        expanded, returned = expand_stars(view.body, columns)
        as_written = con.execute(view.body)
        assert [d[0] for d in as_written.description] == returned, view_id
        rows = sorted(map(repr, as_written.fetchall()))
        assert sorted(map(repr, con.execute(expanded).fetchall())) == rows, f"{view_id}, case {case['name']}"
        con.close()


def test_a_view_outside_trinos_dialect_is_named_and_so_is_every_view_reading_it(tmp_path):
    queries = tmp_path / "queries"
    shutil.copytree(queries_dir(), queries)
    (queries / "_views" / "zz_wildcard_paths.sql").write_text(
        "/*---\nid: zz_wildcard_paths\ndescription: every key of a document\nrequires: [cloudtrail_events]\n---*/\n"
        "select json_extract(request_parameters, '$.items[*].key') as keys from cloudtrail_events\n")
    (queries / "_views" / "zz_reads_wildcard.sql").write_text(
        "/*---\nid: zz_reads_wildcard\ndescription: reads the view above\nrequires: [zz_wildcard_paths]\n---*/\n"
        "select keys from zz_wildcard_paths\n")
    ddl = athena_ddl(LOCATION, "audit", queries_dir=queries)
    why = dict(ddl.not_written)
    assert "JSONPathWildcard" in why["zz_wildcard_paths"]
    assert why["zz_reads_wildcard"] == "it reads view zz_wildcard_paths, which is not written"
    assert not ddl.complete and not {"zz_wildcard_paths", "zz_reads_wildcard"} & {s.name for s in ddl.statements}
    assert "-- view zz_reads_wildcard not written: it reads view zz_wildcard_paths" in render(ddl)


@pytest.mark.parametrize("location, database, wrong", [
    ("s3://Upper_Case/lake", None, "--location"), ("https://bucket/lake", None, "--location"),
    ("s3://bucket//lake", None, "--location"), (LOCATION, "audit-db", "--database"), (LOCATION, "", "--database"),
])  # fmt: skip
def test_a_wrong_location_or_database_is_a_one_line_error_naming_the_option(location, database, wrong):
    with pytest.raises(ConfigError, match=f"^{wrong}: "):
        athena_ddl(location, database)


def test_the_command_prints_the_statements_and_says_what_it_left_out():
    r = cli("lake", "ddl", "--engine", "athena", "--location", LOCATION + "/", "--database", "audit")
    assert r.stdout == render(DDL)
    assert r.returncode == (0 if DDL.complete else 2)
    assert r.stderr.splitlines() == [f"auditreport: view {n} not written: {why}" for n, why in DDL.not_written]


def test_every_shared_view_of_the_catalogue_is_written():
    assert DDL.not_written == [] and "-- view" not in render(DDL)
    assert set(load_catalogue().views) <= set(BY_NAME)


def test_the_command_refuses_a_location_that_is_not_s3():
    r = cli("lake", "ddl", "--location", "/srv/audit/lake")
    assert r.returncode == 3 and r.stdout == ""
    assert r.stderr.startswith("auditreport: error: --location: '/srv/audit/lake' is not an S3 folder") and \
        len(r.stderr.splitlines()) == 1
