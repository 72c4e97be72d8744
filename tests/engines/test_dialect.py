"""engines/dialect.py: DuckDB SQL with its $parameters bound as typed literals, written in another dialect."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from auditreport.engines.dialect import DialectError, literal, to_dialect


def test_parameters_become_typed_literals_in_spark_sql():
    sql = "select * from t where event_time >= $period_start and account_id in (select unnest($accounts)) and n > $n"
    out = to_dialect(sql, "spark", {"period_start": dt.datetime(2026, 10, 1), "accounts": ["012345678901"], "n": 3})
    assert out == ("SELECT * FROM t WHERE event_time >= CAST('2026-10-01 00:00:00' AS TIMESTAMP_NTZ) "
                   "AND account_id IN (SELECT EXPLODE(ARRAY('012345678901'))) AND n > 3")  # fmt: skip


@pytest.mark.parametrize("value", [None, True, 7, 2.5, "it's", dt.datetime(2026, 10, 31, 23, 59, 59, 5),
                                   dt.datetime(2026, 10, 1, 2, tzinfo=dt.timezone(dt.timedelta(hours=2))),
                                   dt.date(2026, 10, 1), ["a", "b"], [1, 2], {"days": ["Mon"], "start_hour": 8}])
def test_a_literal_means_in_duckdb_what_the_bound_parameter_means(value):
    con = duckdb.connect()
    as_literal = con.execute(f"select {to_dialect('select $v', 'duckdb', {'v': value})[7:]}").fetchone()[0]
    bound = con.execute("select $v", {"v": value}).fetchone()[0]
    if isinstance(value, dt.datetime) and value.tzinfo is not None:  # the lake's instants are naive UTC
        assert as_literal == value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    else:
        assert as_literal == bound


def test_an_unbound_parameter_is_named():
    with pytest.raises(DialectError, match=r"no value for parameter \$period_end"):
        to_dialect("select 1 where x < $period_end", "spark", {})


def test_sql_that_does_not_parse_is_one_line():
    with pytest.raises(DialectError, match="cannot parse"):
        to_dialect("selec from where", "spark")
    with pytest.raises(DialectError, match="exactly one SQL statement"):
        to_dialect("select 1; select 2", "spark")


def test_a_value_without_a_literal_is_refused():
    with pytest.raises(DialectError, match="no SQL literal for a value of type object"):
        literal(object())


def test_comments_and_the_header_are_dropped():
    out = to_dialect("/*---\nid: x\n---*/\nselect 1 as a -- why\n", "trino")
    assert out == "SELECT 1 AS a"


def test_positional_parameters_are_bound_in_the_order_written():
    out = to_dialect("select 1 from t where a >= ? and (b < ? or c between ? and ?)", "spark", [1, 2, 3, 4])
    assert out == "SELECT 1 FROM t WHERE a >= 1 AND (b < 2 OR c BETWEEN 3 AND 4)"
    with pytest.raises(DialectError, match=r"no value for a \? parameter"):
        to_dialect("select ?", "spark", [])
    with pytest.raises(DialectError, match="more values"):
        to_dialect("select ?", "spark", [1, 2])
