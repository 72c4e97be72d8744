"""engines/spark_checks.py: the check runner's connection on Spark, and what a check outside the subset becomes."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from auditreport.checks.catalogue import load_catalogue
from auditreport.engines.spark_checks import SparkConnection, run_spark_checks
from auditreport.engines.spark_lake import drop_lake
from auditreport.period import Period

CATALOGUE = load_catalogue()


def test_rows_come_back_as_duckdb_gives_them(spark):
    cur = SparkConnection(spark).execute(
        "select $n as n, $when as t, [1, 2] as l, {'a': 'x', 'b': [true]} as s, null::VARCHAR as nothing, "
        "timestamp '2026-10-01 00:00:00' < $when as later", {"n": 3, "when": dt.datetime(2026, 10, 5, 9, 41, 7)})
    assert [d[0] for d in cur.description] == ["n", "t", "l", "s", "nothing", "later"]
    assert cur.fetchall() == [(3, dt.datetime(2026, 10, 5, 9, 41, 7), [1, 2], {"a": "x", "b": [True]}, None, True)]
    assert cur.fetchall() == []


def test_positional_parameters_as_the_runner_asks_for_emptiness(spark):
    cur = SparkConnection(spark).execute("select 1 where ? < ?", [dt.datetime(2026, 10, 1), dt.datetime(2026, 11, 1)])
    assert cur.fetchone() == (1,) and cur.fetchone() is None


def test_a_check_outside_the_subset_is_an_error_naming_the_construct(spark, tmp_path):
    check = CATALOGUE.check("root_account_activity")
    bad = replace(check, sql=check.sql.replace("select", "select json_type(null) as jt,", 1))
    try:
        [result] = run_spark_checks(spark, tmp_path / "lake", CATALOGUE, [bad], Period.parse("2026-10"), {})
    finally:
        drop_lake(spark, CATALOGUE)
    assert result.status == "error"
    assert result.message == (f"{check.path}: not in the portable subset Spark runs (docs/portable-sql.md): "
                              "cannot write the SQL in spark's dialect: json_type other than compared (= or <>) with "
                              "OBJECT, ARRAY, VARCHAR, BOOLEAN or NULL: Spark has none")  # fmt: skip


def test_an_empty_lake_is_no_data_as_in_duckdb(spark, tmp_path):
    try:
        [result] = run_spark_checks(spark, tmp_path / "lake", CATALOGUE, [CATALOGUE.check("root_account_activity")],
                                    Period.parse("2026-10"), {})  # fmt: skip
    finally:
        drop_lake(spark, CATALOGUE)
    assert result.status == "no_data" and "holds no rows for 2026-10" in result.message
