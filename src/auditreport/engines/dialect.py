"""The one home for turning the catalogue's DuckDB SQL into another engine's dialect ("spark", "trino", ...).

A check's ``$parameters`` are bound first, as typed SQL literals written into the statement (Spark SQL and Athena
take no DuckDB named parameters), then sqlglot transpiles the statement from DuckDB's dialect to the target one. The
values are those :func:`auditreport.checks.runner.bind_params` gives DuckDB: text, numbers, booleans, naive UTC
datetimes (the lake's ``TIMESTAMP``), lists of those and mappings (``change_windows``) as structs.

Between the two, :mod:`.rewrites` replaces what sqlglot would write wrongly for the target (a DuckDB ``format``,
an ordered ``list``, a ``GLOB``...). What no rewrite carries over is kept out of the catalogue by the portable
subset (docs/portable-sql.md), which the catalogue meta-test enforces.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from .rewrite_base import RewriteError
from .rewrites import rewrite

__all__ = ["DialectError", "literal", "parse_duckdb", "to_dialect"]


class DialectError(ValueError):
    """The SQL cannot be parsed as DuckDB SQL, a parameter has no value, or a value has no SQL literal."""


def literal(value) -> exp.Expression:
    """``value`` as a typed SQL literal. Naive datetimes are the lake's ``TIMESTAMP`` (UTC instants without a zone);
    aware ones are converted to UTC first. An empty list is an untyped empty array: the SQL casts it where the type
    matters (``$change_windows::STRUCT(...)[]``)."""
    if value is None:
        return exp.Null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, (int, float, Decimal)):
        return exp.Literal.number(value)
    if isinstance(value, str):
        return exp.Literal.string(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return exp.cast(exp.Literal.string(value.isoformat(sep=" ")), exp.DataType.build("TIMESTAMP", dialect="duckdb"))
    if isinstance(value, dt.date):
        return exp.cast(exp.Literal.string(value.isoformat()), exp.DataType.build("DATE", dialect="duckdb"))
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value) if isinstance(value, (set, frozenset)) else value
        return exp.Array(expressions=[literal(v) for v in items])
    if isinstance(value, dict):
        return exp.Struct(expressions=[exp.PropertyEQ(this=exp.to_identifier(str(k)), expression=literal(v))
                                       for k, v in value.items()])  # fmt: skip
    raise DialectError(f"no SQL literal for a value of type {type(value).__name__}")


def parse_duckdb(sql: str) -> exp.Expression:
    """``sql`` (one statement, comments allowed) parsed as DuckDB SQL; DialectError with sqlglot's first line."""
    try:
        statements = [s for s in sqlglot.parse(sql, read="duckdb") if s is not None]
    except SqlglotError as e:
        raise DialectError(f"sqlglot cannot parse the SQL as DuckDB: {str(e).strip().splitlines()[0]}") from None
    if len(statements) != 1:
        raise DialectError(f"expected exactly one SQL statement, found {len(statements)}")
    return statements[0]


def bind(tree: exp.Expression, params: dict | list | tuple | None) -> exp.Expression:
    """A copy of ``tree`` with every ``$name`` replaced by the literal of ``params[name]``, or, when ``params`` is a
    list, every ``?`` by the next value, in the order they are written."""
    named = params if isinstance(params, dict) else {}
    positional = iter(params) if isinstance(params, (list, tuple)) else iter(())

    def sub(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Placeholder):
            if not node.this:
                try:
                    return literal(next(positional))
                except StopIteration:
                    raise DialectError("no value for a ? parameter") from None
            name = str(node.this)
            if name not in named:
                raise DialectError(f"no value for parameter ${name}")
            return literal(named[name])
        return node

    out = tree.copy().transform(sub, copy=False)
    if next(positional, _END) is not _END:
        raise DialectError("more values than ? parameters")
    return out


_END = object()


def to_dialect(sql: str, dialect: str, params: dict | list | tuple | None = None) -> str:
    """``sql`` (a check or a shared view's SELECT, DuckDB's dialect) with ``params`` bound as literals (by name, or
    in order for ``?``), written in
    ``dialect`` (a sqlglot dialect name: "spark", "trino", "duckdb"). Comments are dropped. Raises DialectError."""
    tree = bind(parse_duckdb(sql), params)
    try:
        tree = rewrite(tree, dialect)
        return tree.sql(dialect=dialect, comments=False, unsupported_level=sqlglot.ErrorLevel.RAISE)
    except (SqlglotError, RewriteError) as e:
        raise DialectError(f"cannot write the SQL in {dialect}'s dialect: {str(e).strip().splitlines()[0]}") from None
