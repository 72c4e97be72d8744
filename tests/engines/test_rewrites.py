"""engines/rewrites.py: each rewrite gives, on Spark, what the DuckDB SQL gives on DuckDB (both engines run it); for
Trino, see the section below."""

from __future__ import annotations

import duckdb
import pytest

from auditreport.engines.aggregate_rewrites import group_by_all_as_ordinals
from auditreport.engines.dialect import DialectError, parse_duckdb, to_dialect
from auditreport.engines.rewrites import apply
from auditreport.engines.syntax_rewrites import glob_as_escaped_like, java_pattern

from .sql_grammar import syntax_problems

ROWS = "(values (1, 'a_b', 'x', timestamp '2026-10-05 09:41:07'), (2, 'a%b', null, timestamp '2026-10-06 23:00:00'), " \
       "(3, 'abc', 'z', timestamp '2026-10-04 00:00:01')) t(n, s, o, ts)"

CASES = {
    "format": f"select format('{{}} of {{}} at {{}} #{{:02d}}', s, n, ts, n) as v from {ROWS}",
    "format with a NULL argument": f"select format('{{}}-{{}}', s, o) as v from {ROWS}",
    "format over adjacent literals": f"select format('{{}} '\n'{{}}', n, s) as v from {ROWS}",  # DuckDB: on two lines
    "strftime": f"select strftime(ts, '%Y-%m-%dT%H:%M:%SZ') as v, strftime(ts, '%a %Y-%m-%d') as w from {ROWS}",
    "glob": f"select s, s glob 'a*' as a, s glob 'a?b' as q, 'a_b' glob s as literal from {ROWS}",
    "list ordered by itself": f"select list(s order by s) as v, list(distinct n order by n) as w from {ROWS}",
    "list ordered by another column": f"select list(s order by ts) as v from {ROWS}",
    "list ordered, filtered": f"select list(s order by ts) filter (where n > 1) as v from {ROWS}",
    "first ordered": f"select first(s order by ts, n) as v from {ROWS}",
    "intervals": f"select ts + to_hours(n) as h, ts + to_minutes(n) as m from {ROWS}",
    "IN ... IS TRUE": f"select n, (o in ('x', 'y')) is true as v from {ROWS}",
    "from_json": "select from_json('[{\"a\": \"x\", \"b\": [1, 2]}]', '[{\"a\": \"VARCHAR\", \"b\": [\"INTEGER\"]}]') as v",
    "union by name": "select 1 as a, 'x' as b union all by name select 'y' as b, 2 as c",
    "json_valid and json_type": "select m, json_valid(m) as v, "
        + ", ".join(f"case when json_valid(m) then json_type(m) = '{t}' end as is_{t}, "
                    f"case when json_valid(m) then json_type(m) <> '{t}' end as not_{t}"
                    for t in ("OBJECT", "ARRAY", "VARCHAR", "BOOLEAN", "NULL"))
        + " from (values ('{\"a\": 1}'), (' {} '), ('[1, {\"a\": 2}]'), ('\"s\"'), ('true'), ('null'), ('12'), "
          "('INFO scored 12 rows'), ('{\"a\": 1'), (''), (null)) t(m)",
    "list_position": "select list_position(['a', 'b', 'a'], s) as v from (values ('a'), ('b'), ('c')) t(s)",
}


def _rows(rows) -> list:
    return sorted((tuple(_plain(v) for v in r) for r in rows), key=repr)


def _plain(v):
    if hasattr(v, "asDict"):  # a Spark struct (a tuple too)
        return _plain(v.asDict())
    if isinstance(v, dict):
        return tuple(sorted((k, _plain(x)) for k, x in v.items()))
    if isinstance(v, (list, tuple)):
        return tuple(_plain(x) for x in v)
    return v


@pytest.mark.parametrize("sql", CASES.values(), ids=CASES.keys())
def test_spark_gives_what_duckdb_gives(spark, sql):
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    expected = _rows(con.execute(sql).fetchall())
    got = _rows(spark.sql(to_dialect(sql, "spark")).collect())
    assert got == expected, to_dialect(sql, "spark")


def test_java_patterns_quote_literal_text():
    assert java_pattern("%Y-%m-%dT%H:%M:%SZ") == "yyyy-MM-dd'T'HH:mm:ss'Z'"
    assert java_pattern("%d %b %Y, 100%%") == "dd MMM yyyy, 100%"


@pytest.mark.parametrize("dialect, sql, why", [
    ("spark", "select format('{:>5}', 1)", "format field {:>5}"),
    ("spark", "select strftime(now(), '%Q')", "strftime code %Q"),
    ("spark", "select list(x order by x desc) from t", "ordered descending"),
    ("spark", "select list(distinct x order by y) from t", "DISTINCT x ORDER BY another value"),
    ("spark", "select * from t union all by name select * from u", "SELECT \\*"),
    ("spark", "select from_json(j, '[\"HUGEINT\"]') from t", "from_json type HUGEINT"),
    ("spark", "select json_type(j) = 'UBIGINT' from t", "json_type compared with 'UBIGINT'"),
    ("spark", "select json_type(j) from t", "json_type other than"),
    ("spark", "select 'OBJECT' = json_type(j) from t", "json_type other than"),
    ("trino", "select * exclude (a) from t", "EXCLUDE"),
    ("trino", "select *, count(*) from t group by all", "GROUP BY ALL with SELECT \\*"),
    ("trino", "select a, row_number() over () from t group by all", "GROUP BY ALL with a window function"),
    ("trino", "select * from t union all by name select * from u", "SELECT \\*"),
])  # fmt: skip
def test_what_has_no_equivalent_is_refused_naming_it(dialect, sql, why):
    with pytest.raises(DialectError, match=why):
        to_dialect(sql, dialect)


def test_duckdb_is_left_as_written():
    sql = "select list(x order by y) filter (where z) from t where a glob 'b*'"
    assert to_dialect(sql, "duckdb") == "SELECT ARRAY_AGG(x ORDER BY y) FILTER(WHERE z) FROM t WHERE a GLOB 'b*'"


# Trino: no engine runs here, so each rewrite is proved where it can be. The rewrites whose Trino text DuckDB reads
# with the same meaning (GROUP BY positions, LIKE ... ESCAPE, element_at, slice) are run on DuckDB against the SQL
# they replace; the others are checked as text, and every text parses in Trino's grammar.
IN_DUCKDB = {
    "GROUP BY ALL": ((f"select s, n % 2 as odd, count(*) as c, (select 1) as k, list(n order by n) as ns from {ROWS} "
                      "group by all"), group_by_all_as_ordinals),
    "GROUP BY ALL, aggregates only": (f"select count(*) as c, max(n) + 1 as m from {ROWS} group by all",
                                      group_by_all_as_ordinals),
    # patterns without DuckDB's glob escapes (\\*) or classes ([ab]), which neither engine's rewrite translates
    "GLOB": (("select s, p, s glob p as g from (values ('a_b'), ('a%b'), ('abc'), ('a\\b'), ('ab'), ('a\\xb')) t(s), "
              "(values ('a*'), ('a?b'), ('a_b'), ('a%b'), ('*c'), ('a%'), ('a__b')) u(p)"), glob_as_escaped_like),
}


@pytest.mark.parametrize("sql, fn", IN_DUCKDB.values(), ids=IN_DUCKDB.keys())
def test_trino_rewrites_duckdb_reads_give_duckdb_rows(sql, fn):
    con = duckdb.connect()
    rewritten = apply(parse_duckdb(sql), [fn]).sql(dialect="duckdb")
    assert "GLOB" not in rewritten.upper() and "GROUP BY ALL" not in rewritten.upper()
    assert _rows(con.execute(rewritten).fetchall()) == _rows(con.execute(sql).fetchall()), rewritten


TRINO = {
    "any_value": ("select a, any_value(b) as v from t group by all", "SELECT a, ARBITRARY(b) AS v FROM t GROUP BY 1"),
    "string_agg": ("select string_agg(x, '; ') as v from t",
                   "SELECT ARRAY_JOIN(ARRAY_AGG(x) FILTER(WHERE NOT x IS NULL), '; ') AS v FROM t"),
    "string_agg ordered, filtered": (
        "select string_agg(x, ',' order by k) filter (where y > 1) as v from t",
        "SELECT ARRAY_JOIN(ARRAY_AGG(x ORDER BY k) FILTER(WHERE NOT x IS NULL AND (y > 1)), ',') AS v FROM t"),
    "subscripts": ("select l[1] as e, l[2:3] as s from t", "SELECT ELEMENT_AT(l, 1) AS e, SLICE(l, 2, 2) AS s FROM t"),
    "union by name": ("select 1 as a, 'x' as b union all by name select 'y' as b, 2 as c",
                      "SELECT 1 AS a, 'x' AS b, NULL AS \"c\" UNION ALL SELECT NULL AS \"a\", 'y' AS b, 2 AS c"),
    "glob": ("select 1 from t where s glob 'a*'",
             ("SELECT 1 FROM t WHERE s LIKE REPLACE(REPLACE(REPLACE(REPLACE(REPLACE('a*', '\\', '\\\\'), '%', '\\%'), "
              "'_', '\\_'), '*', '%'), '?', '_') ESCAPE '\\'")),
}


def test_trino_rewrites_write_trino_sql():
    got = {name: to_dialect(sql, "trino") for name, (sql, _) in TRINO.items()}
    assert got == {name: want for name, (_, want) in TRINO.items()}
    problems = syntax_problems([(name, "trino", text) for name, text in got.items()])
    assert not problems, [p.line() for p in problems.values()]
