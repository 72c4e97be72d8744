"""The check catalogue in Trino's dialect (Athena's engine): every check, with the sample configuration's parameters
bound, and every shared view as ``lake ddl --engine athena`` writes it (its stars written out as columns),
transpiled by engines/dialect.py and parsed by Trino's own grammar (tests/engines/sql_grammar.py), which shares
nothing with sqlglot. A check or view that does not transpile or does not parse fails, named.

NOT_YET_PORTABLE lists the checks outside the portable subset today, with what Trino's grammar or sqlglot says: they
are expected to fail (strict: once a check is rewritten in the portable subset, its entry must go).

Parsing is not meaning: a statement Trino parses may still mean something else there (DuckDB's ``format('{}', x)``
is Java's ``format`` in Trino, where ``{}`` is no placeholder). What each function means on the other engine is the
portable subset's business (engines/dialect.py, the catalogue meta-test), not this syntax check's."""

from __future__ import annotations

import pytest

from auditreport.checks.catalogue import load_catalogue
from auditreport.checks.runner import bind_params
from auditreport.config import load_config
from auditreport.engines.aggregate_rewrites import group_by_all_as_ordinals
from auditreport.engines.athena_ddl import athena_ddl
from auditreport.engines.dialect import DialectError, parse_duckdb, to_dialect
from auditreport.engines.rewrites import apply
from auditreport.engines.syntax_rewrites import glob_as_escaped_like, union_by_name
from auditreport.resources import sample_config
from auditreport.runner import Run

from .sql_grammar import syntax_problems

CATALOGUE = load_catalogue()
CONFIG = load_config(sample_config())
PERIOD = CONFIG.resolve_period(None)

NOT_YET_PORTABLE: dict[str, str] = {}


def _transpiled() -> tuple[dict[str, str], dict[str, str]]:
    """(name -> Trino SQL, name -> why it could not be written) for every check and shared view."""
    sql, failed = {}, {}
    params = CONFIG.policy_params()
    for c in CATALOGUE.checks:
        try:
            sql[c.id] = to_dialect(c.sql, "trino", bind_params(c, params, PERIOD))
        except DialectError as e:
            failed[c.id] = str(e)
    ddl = athena_ddl()  # a view as Athena is given it: its stars written out as the columns they stand for
    sql |= {s.name: s.sql for s in ddl.statements if s.grammar == "trino" and s.name in CATALOGUE.views}
    failed |= dict(ddl.not_written)
    failed |= {v: "the Athena DDL has no statement for it" for v in CATALOGUE.views if v not in sql | failed}
    return sql, failed


@pytest.fixture(scope="module")
def trino_problems() -> dict[str, str]:
    """name -> why it is not Trino SQL (transpilation or grammar), for every check and view that is not."""
    sql, failed = _transpiled()
    problems = syntax_problems([(name, "trino", text) for name, text in sql.items()])
    return failed | {name: p.line() for name, p in problems.items()}


NAMES = [c.id for c in CATALOGUE.checks] + list(CATALOGUE.views)


@pytest.mark.parametrize("name", [
    pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=NOT_YET_PORTABLE[n])) if n in NOT_YET_PORTABLE else n
    for n in NAMES
])  # fmt: skip
def test_the_check_is_trino_sql(trino_problems, name):
    assert name not in trino_problems, f"{name} is not Trino SQL: {trino_problems[name]}"


def test_the_list_of_checks_not_yet_portable_names_only_checks_and_views():
    assert set(NOT_YET_PORTABLE) <= set(NAMES)


# The Trino rewrites whose text DuckDB also reads with the same meaning: GROUP BY ALL as positions, GLOB as LIKE ...
# ESCAPE, UNION BY NAME as a positional union. Run on DuckDB over the sample month, each check they change must give
# the rows it gives as written (the functions Trino alone has, arbitrary and array_join, are checked as text in
# test_rewrites.py).
READ_BY_DUCKDB = [group_by_all_as_ordinals, glob_as_escaped_like, union_by_name]


def _rewritten_for_duckdb(sql: str) -> str | None:
    tree = parse_duckdb(sql)
    out = apply(tree.copy(), READ_BY_DUCKDB)
    return None if out == tree else out.sql(dialect="duckdb")


REWRITTEN = [c.id for c in CATALOGUE.checks if _rewritten_for_duckdb(c.sql)]


@pytest.fixture(scope="module")
def sample_month(tmp_path_factory):
    """The sample month loaded and its views created, by the run's own stages, on DuckDB."""
    run = Run(CONFIG, PERIOD, tmp_path_factory.mktemp("trino-rewrites"), catalogue=CATALOGUE)
    try:
        run.extract_and_load()
        run.check()
        yield run.con
    finally:
        run.close()


def test_the_rewrites_change_checks_of_the_catalogue():
    assert len(REWRITTEN) >= 15, REWRITTEN  # GROUP BY ALL, GLOB and UNION BY NAME checks of the catalogue


@pytest.mark.parametrize("name", REWRITTEN)
def test_the_rewritten_check_gives_duckdbs_rows(sample_month, name):
    check = next(c for c in CATALOGUE.checks if c.id == name)
    params = bind_params(check, CONFIG.policy_params(), PERIOD)
    expected = sample_month.execute(check.sql, params).fetchall()
    got = sample_month.execute(_rewritten_for_duckdb(check.sql), params).fetchall()
    assert sorted(map(repr, got)) == sorted(map(repr, expected))
