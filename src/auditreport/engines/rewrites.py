"""Which rewrites of the DuckDB syntax tree apply before sqlglot writes it in each other dialect, and applying them.

Each rewrite (:mod:`.syntax_rewrites`, :mod:`.aggregate_rewrites`, :mod:`.json_rewrites`) takes a node and returns
it, or what replaces it, or raises :class:`~.rewrite_base.RewriteError` when the target cannot be given the same
meaning. A construct no rewrite carries over is not here: the portable subset keeps it out of the catalogue
(docs/portable-sql.md says what each rewrite means on each engine).
"""

from __future__ import annotations

from sqlglot import exp

from .aggregate_rewrites import (any_value_as_arbitrary, group_by_all_as_ordinals, list_aggregate,
                                 string_agg_as_array_join)  # fmt: skip
from .json_rewrites import from_json_schema, json_parsing, json_quoted_key
from .syntax_rewrites import (format_as_concat, glob_as_escaped_like, glob_as_like, interval_constructors,
                              list_position, list_subscripts, list_subscripts_trino, star_exclude_refused,
                              strftime_as_date_format, tested_predicates, union_by_name)  # fmt: skip

REWRITES = {
    "spark": [union_by_name, tested_predicates, format_as_concat, strftime_as_date_format, glob_as_like, list_aggregate,
              interval_constructors, from_json_schema, json_quoted_key, list_subscripts, json_parsing, list_position],
    # GROUP BY ALL first: it tells aggregates by sqlglot's classes, which any_value and string_agg then leave
    "trino": [star_exclude_refused, union_by_name, group_by_all_as_ordinals, glob_as_escaped_like,
              any_value_as_arbitrary, string_agg_as_array_join, list_subscripts_trino],
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
