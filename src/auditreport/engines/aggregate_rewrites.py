"""Rewrites of DuckDB's aggregates and grouping: ordered lists, ``first``, ``string_agg`` for Spark; ``any_value``,
``string_agg`` and ``GROUP BY ALL`` for Trino (docs/portable-sql.md). :mod:`.rewrites` applies them."""

from __future__ import annotations

from sqlglot import exp

from .rewrite_base import RewriteError


def _ordered_keys(order: exp.Order) -> list[exp.Expression]:
    keys = []
    for o in order.expressions:
        if o.args.get("desc"):
            raise RewriteError("an aggregate ordered descending has no portable equivalent")
        keys.append(o.this)
    return keys


def list_aggregate(node: exp.Expression) -> exp.Expression:
    """DuckDB's ``list(x [ORDER BY k]) [FILTER (WHERE c)]`` and ``first(x ORDER BY k)`` on Spark:

    * an unordered ``list(x)`` -> ``collect_list(x)``; ``list([DISTINCT] x ORDER BY x)`` -> ``array_sort(collect_list|
      collect_set(x))``; ``list(x ORDER BY k1, k2)`` -> ``transform(array_sort(collect_list(struct(k1, k2, x))),
      s -> s.v)`` (sqlglot writes every one of them as an unordered ``collect_list(x)``, silently);
    * over no row, DuckDB's list is NULL and Spark's collect_list an empty array: the list is NULL when
      ``count(*)`` (filtered the same way) is 0;
    * ``first(x ORDER BY k1, k2)`` -> ``min_by(x, struct(k1, k2))`` (sqlglot writes a ``first(x ORDER BY ...)`` Spark
      cannot parse);
    * ``string_agg([DISTINCT] x, sep [ORDER BY x])`` -> ``array_join`` of the list, NULL when no value is not NULL
      (sqlglot's ``listagg ... WITHIN GROUP`` fails inside Spark 4's planner).

    Ascending only, and DISTINCT only when the list is ordered by its own values. Spark's collect_list skips NULLs
    where DuckDB's list keeps them: the portable subset aggregates no NULL."""
    kinds = (exp.ArrayAgg, exp.First, exp.GroupConcat)
    where = None
    if isinstance(node, exp.Filter) and isinstance(node.this, kinds):
        where, agg = node.expression, node.this
    else:
        agg = node
    if not isinstance(agg, kinds) or (isinstance(node, kinds) and isinstance(node.parent, exp.Filter)):
        return node  # the FILTER around it is rewritten with it
    if isinstance(agg, exp.First) and not isinstance(agg.this, exp.Order):
        return node
    order = agg.this if isinstance(agg.this, exp.Order) else None
    value, distinct = (order.this if order is not None else agg.this), False
    if isinstance(value, exp.Distinct):
        if len(value.expressions) != 1:
            raise RewriteError("DISTINCT over several values in an aggregate has no portable equivalent")
        value, distinct = value.expressions[0], True
    keys = _ordered_keys(order) if order is not None else []

    def call(name: str, *args: exp.Expression) -> exp.Expression:
        fn = exp.Anonymous(this=name, expressions=list(args))
        return exp.Filter(this=fn, expression=where.copy()) if where is not None else fn

    if isinstance(agg, exp.First):
        if distinct:
            raise RewriteError("first(DISTINCT ...) has no portable equivalent")
        key = keys[0] if len(keys) == 1 else exp.Struct(expressions=[k.copy() for k in keys])
        return call("MIN_BY", value, key)
    if not keys:
        collected = call("COLLECT_SET" if distinct else "COLLECT_LIST", value)
        if distinct:
            collected = exp.Anonymous(this="ARRAY_SORT", expressions=[collected])  # a set has no order of its own
    elif len(keys) == 1 and keys[0] == value:
        collected = exp.Anonymous(this="ARRAY_SORT", expressions=[call("COLLECT_SET" if distinct else "COLLECT_LIST",
                                                                        value)])  # fmt: skip
    elif distinct:
        raise RewriteError("list(DISTINCT x ORDER BY another value) has no portable equivalent")
    else:
        fields = [exp.alias_(k.copy(), f"k{i}") for i, k in enumerate(keys)] + [exp.alias_(value, "v")]
        sorted_ = exp.Anonymous(this="ARRAY_SORT", expressions=[call("COLLECT_LIST", exp.Struct(expressions=fields))])
        s = exp.to_identifier("_s")
        collected = exp.Transform(this=sorted_, expression=exp.Lambda(
            this=exp.Dot(this=exp.column(s), expression=exp.to_identifier("v")), expressions=[s]))
    if isinstance(agg, exp.GroupConcat):  # string_agg skips NULLs, as collect_list does; NULL when all are
        sep = agg.args.get("separator") or exp.Literal.string(",")
        collected = exp.Anonymous(this="ARRAY_JOIN", expressions=[collected, sep.copy()])
        counted = value.copy()
    else:
        counted = exp.Literal.number(1)
    none = exp.EQ(this=call("COUNT", counted), expression=exp.Literal.number(0))
    return exp.Case(ifs=[exp.If(this=none, true=exp.Null())], default=collected)


def any_value_as_arbitrary(node: exp.Expression) -> exp.Expression:
    """DuckDB's ``any_value(x)`` (some value of x that is not NULL; NULL when all are) as Trino's ``arbitrary(x)``,
    which its documentation defines the same way ("an arbitrary non-null value of x, if one exists"). sqlglot writes
    ``arbitrary(x) IGNORE NULLS``, which Trino's grammar refuses."""
    if isinstance(node, exp.IgnoreNulls) and isinstance(node.this, exp.AnyValue):
        node = node.this
    elif not isinstance(node, exp.AnyValue) or isinstance(node.parent, exp.IgnoreNulls):
        return node
    return exp.Anonymous(this="ARBITRARY", expressions=[node.this.copy()])


def string_agg_as_array_join(node: exp.Expression) -> exp.Expression:
    """DuckDB's ``string_agg([DISTINCT] x, sep [ORDER BY k]) [FILTER (WHERE c)]`` as Trino's
    ``array_join(array_agg([DISTINCT] x [ORDER BY k]) FILTER (WHERE x IS NOT NULL [AND c]), sep)``: string_agg skips
    NULLs and is NULL over no value that is not NULL, which the filter gives (Trino's array_agg keeps NULLs and is
    NULL over no row). sqlglot writes ``listagg`` without ``WITHIN GROUP``, which Trino's grammar refuses."""
    where = None
    if isinstance(node, exp.Filter) and isinstance(node.this, exp.GroupConcat):
        where, agg = node.expression.this, node.this
    elif isinstance(node, exp.GroupConcat) and not isinstance(node.parent, exp.Filter):
        agg = node
    else:
        return node
    body = agg.this  # x, DISTINCT x, or either with an ORDER BY
    value = body.this if isinstance(body, exp.Order) else body
    if isinstance(value, exp.Distinct):
        if len(value.expressions) != 1:
            raise RewriteError("string_agg(DISTINCT over several values) has no Trino equivalent")
        value = value.expressions[0]
    not_null = exp.Not(this=exp.Is(this=value.copy(), expression=exp.Null()))
    cond = not_null if where is None else exp.And(this=not_null, expression=exp.Paren(this=where.copy()))
    collected = exp.Filter(this=exp.ArrayAgg(this=body.copy()), expression=exp.Where(this=cond))
    sep = agg.args.get("separator") or exp.Literal.string(",")
    return exp.Anonymous(this="ARRAY_JOIN", expressions=[collected, sep.copy()])


def _aggregates_here(e: exp.Expression, select: exp.Select) -> bool:
    """Whether ``e`` (an expression of ``select``) holds an aggregate of ``select`` itself: not one of a subquery,
    not a window function."""
    for agg in e.find_all(exp.AggFunc):
        if agg.find_ancestor(exp.Select) is select and not agg.find_ancestor(exp.Window):
            return True
    return False


def group_by_all_as_ordinals(node: exp.Expression) -> exp.Expression:
    """DuckDB's ``GROUP BY ALL`` (every expression of the SELECT holding no aggregate) as ``GROUP BY 1, 3, ...``, the
    positions of those expressions, which Trino reads as the same expressions; no ``GROUP BY`` when every one holds
    an aggregate (one group of every row, as in DuckDB). A ``*`` or a window function in the SELECT is refused: which
    columns it stands for, or whether DuckDB groups by it, is not in the text."""
    if not isinstance(node, exp.Select) or not (node.args.get("group") and node.args["group"].args.get("all")):
        return node
    positions = []
    for i, e in enumerate(node.expressions, start=1):
        if isinstance(e, exp.Star) or (isinstance(e, exp.Column) and isinstance(e.this, exp.Star)):
            raise RewriteError("GROUP BY ALL with SELECT * has no Trino equivalent: name the columns")
        if any(w.find_ancestor(exp.Select) is node for w in e.find_all(exp.Window)):
            raise RewriteError("GROUP BY ALL with a window function in the SELECT has no Trino equivalent: "
                               "GROUP BY the columns")  # fmt: skip
        if not _aggregates_here(e, node):
            positions.append(exp.Literal.number(i))
    node.set("group", exp.Group(expressions=positions) if positions else None)
    return node
