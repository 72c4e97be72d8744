"""Rewrites of DuckDB's aggregates: ordered lists, ``first``, ``string_agg`` for Spark (docs/portable-sql.md).
:mod:`.rewrites` applies them."""

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
