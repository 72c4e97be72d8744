"""Which rewrites of the DuckDB syntax tree apply before sqlglot writes it in each other dialect, and applying them.

Each rewrite (:mod:`.syntax_rewrites`, :mod:`.aggregate_rewrites`, :mod:`.json_rewrites`) takes a node and returns
it, or what replaces it, or raises :class:`~.rewrite_base.RewriteError` when the target cannot be given the same
meaning. A construct no rewrite carries over is not here: the portable subset keeps it out of the catalogue
(docs/portable-sql.md says what each rewrite means on each engine).
"""

from __future__ import annotations

from sqlglot import exp

from .aggregate_rewrites import list_aggregate
from .json_rewrites import from_json_schema, json_parsing, json_quoted_key
from .syntax_rewrites import (format_as_concat, glob_as_like, interval_constructors, list_position, list_subscripts,
                              strftime_as_date_format, tested_predicates, union_by_name)  # fmt: skip

REWRITES = {
    "spark": [union_by_name, tested_predicates, format_as_concat, strftime_as_date_format, glob_as_like, list_aggregate,
              interval_constructors, from_json_schema, json_quoted_key, list_subscripts, json_parsing, list_position],
}


def rewrite(tree: exp.Expression, dialect: str) -> exp.Expression:
    """``tree`` with the rewrites of ``dialect`` applied (:func:`apply`); none for DuckDB."""
    return apply(tree, REWRITES.get(dialect, []))


def apply(tree: exp.Expression, rewrites) -> exp.Expression:
    """``tree`` with each of ``rewrites`` applied in turn, innermost nodes first (a ``format`` inside a ``format`` is
    rewritten before the outer one takes it as an argument)."""
    for fn in rewrites:
        for node in reversed(list(tree.walk(bfs=False))):
            new = fn(node)
            if new is not node:
                if node is tree:
                    tree = new
                else:
                    node.replace(new)
    return tree
