"""Rewrites of the DuckDB syntax tree before sqlglot writes it in another dialect: where sqlglot's own translation
fails to parse there, or parses and means something else (measured on Spark 4, see docs/portable-sql.md).

Each rewrite takes a node and returns it, or what replaces it; :func:`rewrite` applies those of a dialect. A
construct no rewrite can carry over is not here: the portable subset keeps it out of the catalogue.
"""

from __future__ import annotations

import json
import re

from sqlglot import exp

_FORMAT_FIELD = re.compile(r"\{([^{}]*)\}|\{\{|\}\}")
_WIDTH = re.compile(r":0(\d+)d")


class RewriteError(ValueError):
    """A construct the target dialect cannot be given with the same meaning."""


def _text(e: exp.Expression) -> exp.Expression:
    return exp.cast(e, exp.DataType.build("VARCHAR", dialect="duckdb"))


def _literal_text(e: exp.Expression) -> str | None:
    """The text of a string literal, or of adjacent literals (``'a' 'b'``, which DuckDB joins); None otherwise."""
    if isinstance(e, exp.Literal) and e.is_string:
        return e.this
    if isinstance(e, (exp.Concat, exp.DPipe)):
        pieces = [_literal_text(p) for p in (e.expressions if isinstance(e, exp.Concat) else [e.this, e.expression])]
        return None if any(p is None for p in pieces) else "".join(pieces)
    return None


def format_as_concat(node: exp.Expression) -> exp.Expression:
    """DuckDB's ``format('{} of {}', a, b)`` (fmt's ``{}`` fields) as ``concat('', CAST(a AS text), ' of ', ...)``:
    Spark's ``format_string`` and Trino's ``format`` take printf fields. A NULL argument makes the whole text NULL
    in all three. ``{:0Nd}`` is a zero-padded integer (``lpad``); no other field spec is portable."""
    if not isinstance(node, exp.Format):
        return node
    fmt = _literal_text(node.this)
    if fmt is None:
        raise RewriteError("format with a format string that is not a literal has no portable equivalent")
    args, parts, pos, at = list(node.expressions), [], 0, 0
    for m in _FORMAT_FIELD.finditer(fmt):
        parts.append(exp.Literal.string(fmt[at:m.start()]))
        at = m.end()
        if m.group(0) in ("{{", "}}"):
            parts.append(exp.Literal.string(m.group(0)[0]))
            continue
        spec = m.group(1)
        if pos >= len(args):
            raise RewriteError(f"format string {fmt!r} has more fields than arguments")
        arg, pos = args[pos], pos + 1
        if spec == "":
            parts.append(_text(arg))
        elif _WIDTH.fullmatch(spec):
            parts.append(exp.func("lpad", _text(arg), exp.Literal.number(int(_WIDTH.fullmatch(spec).group(1))),
                                  exp.Literal.string("0")))  # fmt: skip
        else:
            raise RewriteError(f"format field {{{spec}}} has no portable equivalent")
    parts.append(exp.Literal.string(fmt[at:]))
    parts = [p for p in parts if not (isinstance(p, exp.Literal) and p.this == "")] or [exp.Literal.string("")]
    return exp.Concat(expressions=parts, safe=False, coalesce=False) if len(parts) > 1 else parts[0]


# DuckDB strftime codes -> Java DateTimeFormatter letters (Spark's date_format); anything else is quoted text
_JAVA = {"%Y": "yyyy", "%m": "MM", "%d": "dd", "%H": "HH", "%M": "mm", "%S": "ss", "%a": "EEE", "%A": "EEEE",
         "%b": "MMM", "%B": "MMMM", "%j": "DDD", "%y": "yy", "%f": "SSSSSS"}  # fmt: skip


def java_pattern(strftime: str) -> str:
    """A DuckDB ``strftime`` format as a Java date-time pattern, literal text quoted (``T``, ``Z``, ``-``...)."""
    out, text = [], []

    def flush():  # only letters are pattern letters in Java; other characters stand for themselves
        if text:
            t = "".join(text).replace("'", "''")
            out.append(f"'{t}'" if re.search("[A-Za-z']", t) else t)
            text.clear()

    i = 0
    while i < len(strftime):
        code = strftime[i:i + 2]
        if code in _JAVA:
            flush()
            out.append(_JAVA[code])
            i += 2
        elif code == "%%":
            text.append("%")
            i += 2
        elif strftime[i] == "%":
            raise RewriteError(f"strftime code {code} has no portable equivalent")
        else:
            text.append(strftime[i])
            i += 1
    flush()
    return "".join(out)


def strftime_as_date_format(node: exp.Expression) -> exp.Expression:
    """``strftime(t, '%Y-%m-%dT%H:%M:%SZ')`` as Spark's ``date_format(t, 'yyyy-MM-dd''T''HH:mm:ss''Z''')``: sqlglot
    leaves the literal T and Z unquoted, which Spark refuses (or reads as a zone)."""
    if not isinstance(node, exp.TimeToStr):
        return node
    fmt = _literal_text(node.args.get("format"))
    if fmt is None:
        raise RewriteError("strftime with a format that is not a literal has no portable equivalent")
    return exp.Anonymous(this="DATE_FORMAT", expressions=[node.this, exp.Literal.string(java_pattern(fmt))])


def glob_as_like(node: exp.Expression) -> exp.Expression:
    """``x GLOB p`` as ``x LIKE p'`` where p' is p with ``\\``, ``%`` and ``_`` escaped and ``*``, ``?`` made
    ``%``, ``_`` (Spark has no GLOB). Computed in SQL, as p is often a policy value unnested at run time. Glob
    character classes (``[...]``) are not translated: the portable subset keeps patterns to ``*`` and ``?``."""
    if not isinstance(node, exp.Glob):
        return node
    pattern = node.expression
    for old, new in (("\\", "\\\\"), ("%", "\\%"), ("_", "\\_"), ("*", "%"), ("?", "_")):
        pattern = exp.func("replace", pattern, exp.Literal.string(old), exp.Literal.string(new))
    return exp.Like(this=node.this, expression=pattern)


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


def list_subscripts(node: exp.Expression) -> exp.Expression:
    """DuckDB's ``l[i]`` (NULL past the end) as ``try_element_at(l, i)`` (Spark's ``l[i]`` raises with ANSI mode on,
    and counts from 0), and ``l[a:b]`` (1-based, both ends included) as ``slice(l, a, b - a + 1)``. Literal
    subscripts only; a text's key (``m['k']``) is left alone."""
    if not isinstance(node, exp.Bracket) or len(node.expressions) != 1:
        return node
    sub = node.expressions[0]
    if isinstance(sub, exp.Slice):
        lo, hi = sub.this, sub.expression
        if not (isinstance(lo, exp.Literal) and isinstance(hi, exp.Literal) and not lo.is_string and not hi.is_string):
            raise RewriteError("a list slice with bounds that are not numbers written out has no portable equivalent")
        a, b = int(lo.this), int(hi.this)
        return exp.Anonymous(this="SLICE", expressions=[node.this, exp.Literal.number(a), exp.Literal.number(b - a + 1)])
    if isinstance(sub, exp.Literal) and not sub.is_string:
        return exp.Anonymous(this="TRY_ELEMENT_AT", expressions=[node.this, exp.Literal.number(int(sub.this) + 1)])
    return node


# DuckDB's json_type names against the prefix of Spark 4's schema_of_variant for the same JSON value. Numbers are left
# out: DuckDB types them by sign and form (UBIGINT, BIGINT, DOUBLE), Spark by size (INT, BIGINT, DECIMAL(p,s)...).
_JSON_TYPES = {"OBJECT": "OBJECT<", "ARRAY": "ARRAY<", "VARCHAR": "STRING", "BOOLEAN": "BOOLEAN", "NULL": "VOID"}


def json_parsing(node: exp.Expression) -> exp.Expression:
    """DuckDB's ``json_valid(x)`` as Spark 4's ``try_parse_json(x) IS NOT NULL`` when x is not NULL (NULL then), and
    ``json_type(x) = 'OBJECT'`` (or ``<>``; ``ARRAY``, ``VARCHAR``, ``BOOLEAN``, ``NULL``) as a test of the prefix of
    ``schema_of_variant(try_parse_json(x))``. Any other use of ``json_type`` is refused. Both parsers reject text
    that is not JSON; where they disagree on a malformed text is in docs/portable-sql.md."""
    if isinstance(node, exp.Anonymous) and node.name.lower() == "json_valid" and len(node.expressions) == 1:
        text = node.expressions[0]
        parsed = exp.Anonymous(this="TRY_PARSE_JSON", expressions=[text.copy()])
        valid = exp.Not(this=exp.Is(this=parsed, expression=exp.Null()))  # false for a NULL text: DuckDB says NULL
        return exp.Case(ifs=[exp.If(this=exp.Not(this=exp.Is(this=text.copy(), expression=exp.Null())), true=valid)])
    if isinstance(node, (exp.EQ, exp.NEQ)) and isinstance(node.this, exp.JSONType):
        name = _literal_text(node.expression)
        if name not in _JSON_TYPES:  # DuckDB's names are upper case: 'object' would never be equal
            raise RewriteError(f"json_type compared with {node.expression.sql('duckdb')}: only "
                               f"{', '.join(_JSON_TYPES)} are written for Spark (numbers are typed differently)")
        schema = exp.Anonymous(this="SCHEMA_OF_VARIANT", expressions=[
            exp.Anonymous(this="TRY_PARSE_JSON", expressions=[node.this.this])])
        prefix = _JSON_TYPES[name]
        test = (exp.Anonymous(this="STARTSWITH", expressions=[schema, exp.Literal.string(prefix)])
                if prefix.endswith("<") else exp.EQ(this=schema, expression=exp.Literal.string(prefix)))
        return exp.Paren(this=test if isinstance(node, exp.EQ) else exp.Not(this=test))
    if isinstance(node, exp.JSONType) and not (isinstance(node.parent, (exp.EQ, exp.NEQ)) and node.parent.this is node):
        raise RewriteError("json_type other than compared (= or <>) with OBJECT, ARRAY, VARCHAR, BOOLEAN or NULL: "
                           "Spark has none")
    return node


def list_position(node: exp.Expression) -> exp.Expression:
    """DuckDB's ``list_position(l, x)`` (1-based, NULL when absent) as Spark's ``nullif(array_position(l, x), 0)``
    (0 when absent). A NULL ``x`` differs (DuckDB finds a NULL element, Spark gives NULL): docs/portable-sql.md."""
    if isinstance(node, exp.Anonymous) and node.name.lower() == "list_position" and len(node.expressions) == 2:
        pos = exp.Anonymous(this="ARRAY_POSITION", expressions=[a.copy() for a in node.expressions])
        return exp.Nullif(this=pos, expression=exp.Literal.number(0))
    return node


def interval_constructors(node: exp.Expression) -> exp.Expression:
    """DuckDB's ``to_hours(n)``, ``to_minutes(n)``, ``to_days(n)`` as Spark's ``make_dt_interval``."""
    if not isinstance(node, (exp.Anonymous, exp.ToDays)):
        return node
    name = "to_days" if isinstance(node, exp.ToDays) else node.name.lower()
    slot = {"to_days": 0, "to_hours": 1, "to_minutes": 2}.get(name)
    if slot is None:
        return node
    args = [exp.Literal.number(0)] * 4
    args[slot] = node.this if isinstance(node, exp.ToDays) else node.expressions[0]
    return exp.Anonymous(this="MAKE_DT_INTERVAL", expressions=args)


def tested_predicates(node: exp.Expression) -> exp.Expression:
    """``x IN (...) IS TRUE`` as ``(x IN (...)) IS TRUE`` and ``EXISTS (...) <> b`` as ``(EXISTS (...)) <> b``:
    Spark's grammar takes one predicate after an expression, and sqlglot writes them bare."""
    if isinstance(node, exp.Is) and isinstance(node.this, (exp.Predicate, exp.In, exp.Between, exp.Like)):
        node.set("this", exp.Paren(this=node.this))
    if isinstance(node, (exp.EQ, exp.NEQ, exp.NullSafeEQ, exp.NullSafeNEQ)):
        for side in ("this", "expression"):
            if isinstance(node.args.get(side), exp.Exists):
                node.set(side, exp.Paren(this=node.args[side]))
    return node


def _pieces(e: exp.Expression) -> list[exp.Expression]:
    """The operands of a chain of ``||`` (parentheses dropped), left to right."""
    while isinstance(e, exp.Paren):
        e = e.this
    if isinstance(e, exp.DPipe):
        return _pieces(e.this) + _pieces(e.expression)
    return [e]


def json_path_shape(path: exp.Expression) -> str:
    """What a JSON path is: ``literal``; ``quoted-key`` (``'$."' || key || '"'``, DuckDB's quoted member, any key);
    ``plain-key`` (``'$.' || key``, a key of letters, digits and ``_``, the same in both); or ``other``."""
    pieces = _pieces(path)
    if len(pieces) == 1 and (isinstance(pieces[0], exp.JSONPath) or (isinstance(pieces[0], exp.Literal)
                                                                     and pieces[0].is_string)):  # fmt: skip
        return "literal"
    lit = [isinstance(p, exp.Literal) and p.is_string for p in pieces]
    if len(pieces) == 3 and lit == [True, False, True] and pieces[0].this == '$."' and pieces[2].this == '"':
        return "quoted-key"
    if len(pieces) == 2 and lit == [True, False] and pieces[0].this == "$.":
        return "plain-key"
    return "other"


def json_quoted_key(node: exp.Expression) -> exp.Expression:
    """DuckDB's quoted member ``j ->> ('$."' || key || '"')`` as Spark's ``get_json_object(j, '$[' || key || ']')``
    with the key in single quotes: Spark's JSON paths know ``$['key']``, not ``$."key"`` (NULL, silently)."""
    if not isinstance(node, (exp.JSONExtract, exp.JSONExtractScalar)) or node.expression is None:
        return node
    if json_path_shape(node.expression) != "quoted-key":
        return node
    key = _pieces(node.expression)[1]
    node.set("expression", exp.DPipe(this=exp.DPipe(this=exp.Literal.string("$['"), expression=key.copy(), safe=True),
                                     expression=exp.Literal.string("']"), safe=True))  # fmt: skip
    return node


_SPARK_TYPES = {"VARCHAR": "STRING", "JSON": "STRING", "TEXT": "STRING", "INTEGER": "INT", "BIGINT": "BIGINT",
                "BOOLEAN": "BOOLEAN", "DOUBLE": "DOUBLE", "UBIGINT": "BIGINT"}  # fmt: skip


def spark_json_type(spec) -> str:
    """A DuckDB ``from_json`` structure (``'["VARCHAR"]'``, ``'{"a": "INTEGER"}'``) as a Spark schema. A ``JSON``
    leaf becomes STRING, which Spark fills with the value's JSON text for objects and arrays (as DuckDB does) but
    with a string's bare text (DuckDB keeps its quotes): the portable subset reads only objects and arrays as JSON."""
    if isinstance(spec, str):
        t = _SPARK_TYPES.get(spec.upper())
        if t is None:
            raise RewriteError(f"from_json type {spec} has no portable equivalent")
        return t
    if isinstance(spec, list) and len(spec) == 1:
        return f"ARRAY<{spark_json_type(spec[0])}>"
    if isinstance(spec, dict) and spec:
        return "STRUCT<" + ", ".join(f"`{k}`: {spark_json_type(v)}" for k, v in spec.items()) + ">"
    raise RewriteError(f"from_json structure {json.dumps(spec)} has no portable equivalent")


def from_json_schema(node: exp.Expression) -> exp.Expression:
    """``from_json(j, '<DuckDB structure>')`` with the structure written as a Spark schema."""
    if not isinstance(node, exp.FromJson):
        return node
    spec = node.expression
    if not isinstance(spec, exp.Literal) or not spec.is_string:
        raise RewriteError("from_json with a structure that is not a literal has no portable equivalent")
    node.set("expression", exp.Literal.string(spark_json_type(json.loads(spec.this))))
    return node


def _names(select: exp.Expression) -> list[str]:
    if not isinstance(select, exp.Select):
        raise RewriteError("UNION BY NAME of something other than two SELECTs has no portable equivalent")
    names = []
    for e in select.expressions:
        if isinstance(e, exp.Star) or (isinstance(e, exp.Column) and isinstance(e.this, exp.Star)) or not e.alias_or_name:
            raise RewriteError("UNION BY NAME of a SELECT * (or an unnamed column) has no portable equivalent: "
                               "name the columns")  # fmt: skip
        names.append(e.alias_or_name)
    return names


def union_by_name(node: exp.Expression) -> exp.Expression:
    """``SELECT a, b ... UNION ALL BY NAME SELECT b, c ...`` as a positional union of ``a, b, NULL AS c`` and
    ``NULL AS a, b, c`` (Spark SQL has no union by name): the columns of the first, then those only the second
    has, as DuckDB orders them. Both sides must name every column (no ``*``)."""
    if not isinstance(node, exp.Union) or not node.args.get("by_name"):
        return node
    left, right = node.this, node.expression
    lnames, rnames = _names(left), _names(right)
    everything = lnames + [n for n in rnames if n not in lnames]
    by_name = {e.alias_or_name: e for e in right.expressions}

    def null(name: str) -> exp.Expression:
        return exp.alias_(exp.Null(), name, quoted=True)

    left.set("expressions", list(left.expressions) + [null(n) for n in everything if n not in lnames])
    right.set("expressions", [by_name[n] if n in by_name else null(n) for n in everything])
    node.set("by_name", None)
    return node


REWRITES = {
    "spark": [union_by_name, tested_predicates, format_as_concat, strftime_as_date_format, glob_as_like, list_aggregate,
              interval_constructors, from_json_schema, json_quoted_key, list_subscripts, json_parsing, list_position],
}


def rewrite(tree: exp.Expression, dialect: str) -> exp.Expression:
    """``tree`` with the rewrites of ``dialect`` applied, innermost nodes first (a ``format`` inside a ``format``
    is rewritten before the outer one takes it as an argument); none for DuckDB."""
    for fn in REWRITES.get(dialect, []):
        for node in reversed(list(tree.walk(bfs=False))):
            new = fn(node)
            if new is not node:
                if node is tree:
                    tree = new
                else:
                    node.replace(new)
    return tree
