"""engines/portable.py: the portable subset finds, and names, each construct Spark would not run with DuckDB's
meaning (the catalogue meta-test applies it to every check and view, tests/checks/test_catalogue_contract.py)."""

from __future__ import annotations

import pytest

from auditreport.engines.portable import non_portable


@pytest.mark.parametrize("sql, construct", [
    ("select len(s) from t", "len()"),
    ("select regexp_replace(s, 'a', 'b') from t", "regexp_replace without the 'g' option"),
    ("select json_extract_string(j, '$[*]') from t", "JSON path wildcard '$[*]'"),
    ("select j ->> '$.a[*].b' from t", "JSON path wildcard '$.a[*].b'"),
    ("select (j -> '$.a') = '\"x\"' from t", "read as text"),
    ("select json_type(j) from t", "json_type"),
    ("select json_type(j) = 'DOUBLE' from t", "json_type compared with 'DOUBLE'"),
    ("select generate_subscripts(l, 1) from t", "function generate_subscripts"),
    ("select c::VARCHAR[] from t", "cast of the column c to a list"),
    ("select '-infinity'::TIMESTAMP", "the timestamp '-infinity'"),
    ("select * from t union all by name select * from u", "UNION BY NAME of a SELECT *"),
    ("select list(x order by x desc) from t", "ordered descending"),
    ("selec 1", "cannot parse"),
])  # fmt: skip
def test_each_construct_outside_the_subset_is_named(sql, construct):
    found = non_portable(sql)
    assert any(construct in f for f in found), found


@pytest.mark.parametrize("sql", [
    "select length(s), array_length(l), regexp_replace(s, 'a', 'b', 'g') from t",
    "select from_json(j, '[\"VARCHAR\"]'), json_array_length(j -> '$.a'), j ->> '$.a[0]' from t",
    "select from_json(coalesce(j -> '$.a', '[]'), '[\"JSON\"]') from t where (j -> '$.b') is null",
    "select $l::VARCHAR[], len_x from t",  # a parameter cast to a list is a literal; a column named len_x is no call
    "select format('{} {:02d}', a, b), strftime(t, '%Y-%m-%d'), a glob $p from t",
    "select 1 as a union all by name select 2 as a",
    "select list(x order by y), first(x order by y) from t",
    "select json_valid(j), json_type(j) = 'OBJECT', list_position($l::VARCHAR[], s) from t",
    "select list_filter($l::VARCHAR[], lambda f: (j ->> ('$.\"' || f || '\"')) is null) from t",
])  # fmt: skip
def test_what_keeps_to_the_subset_passes(sql):
    assert non_portable(sql) == []


def test_len_in_a_string_or_comment_is_not_code():
    assert non_portable("select 'len(x)' as a -- len(y)\n from t") == []
