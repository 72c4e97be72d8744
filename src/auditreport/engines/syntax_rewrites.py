"""Rewrites of single constructs (a function call, a predicate, a set operation) before sqlglot writes the tree in
another dialect: where sqlglot's own translation fails to parse there, or parses and means something else (measured
on Spark 4; Trino's meaning from its documentation, see docs/portable-sql.md). :mod:`.rewrites` says which apply
to which dialect.
"""

from __future__ import annotations

import re

from sqlglot import exp

from .rewrite_base import RewriteError, literal_text

_FORMAT_FIELD = re.compile(r"\{([^{}]*)\}|\{\{|\}\}")
_WIDTH = re.compile(r":0(\d+)d")


def _text(e: exp.Expression) -> exp.Expression:
    return exp.cast(e, exp.DataType.build("VARCHAR", dialect="duckdb"))


def format_as_concat(node: exp.Expression) -> exp.Expression:
    """DuckDB's ``format('{} of {}', a, b)`` (fmt's ``{}`` fields) as ``concat('', CAST(a AS text), ' of ', ...)``:
    Spark's ``format_string`` and Trino's ``format`` take printf fields. A NULL argument makes the whole text NULL
    in all three. ``{:0Nd}`` is a zero-padded integer (``lpad``); no other field spec is portable."""
    if not isinstance(node, exp.Format):
        return node
    fmt = literal_text(node.this)
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
    fmt = literal_text(node.args.get("format"))
    if fmt is None:
        raise RewriteError("strftime with a format that is not a literal has no portable equivalent")
    return exp.Anonymous(this="DATE_FORMAT", expressions=[node.this, exp.Literal.string(java_pattern(fmt))])


def _like_pattern(glob: exp.Expression) -> exp.Expression:
    """A GLOB pattern as a LIKE pattern with ``\\`` as its escape: ``\\``, ``%`` and ``_`` escaped, ``*`` and ``?``
    made ``%`` and ``_``. Computed in SQL, as the pattern is often a policy value unnested at run time."""
    for old, new in (("\\", "\\\\"), ("%", "\\%"), ("_", "\\_"), ("*", "%"), ("?", "_")):
        glob = exp.func("replace", glob, exp.Literal.string(old), exp.Literal.string(new))
    return glob


def glob_as_like(node: exp.Expression) -> exp.Expression:
    """``x GLOB p`` as ``x LIKE p'`` (:func:`_like_pattern`; Spark has no GLOB, and its LIKE escapes with ``\\``).
    Glob character classes (``[...]``) and escapes (``\\*``) are not translated: the portable subset keeps patterns
    to ``*`` and ``?``."""
    if not isinstance(node, exp.Glob):
        return node
    return exp.Like(this=node.this, expression=_like_pattern(node.expression))


def glob_as_escaped_like(node: exp.Expression) -> exp.Expression:
    """``x GLOB p`` as ``x LIKE p' ESCAPE '\\'`` for Trino, whose LIKE has no escape character unless one is named
    (and which has no GLOB). Trino refuses an escape followed by anything but ``%``, ``_`` or itself: p' has none."""
    if not isinstance(node, exp.Glob):
        return node
    like = exp.Like(this=node.this, expression=_like_pattern(node.expression))
    return exp.Escape(this=like, expression=exp.Literal.string("\\"))


def star_exclude_refused(node: exp.Expression) -> exp.Expression:
    """``SELECT * EXCLUDE (...)`` is refused for Trino, which has no EXCLUDE (sqlglot writes Spark's ``EXCEPT``): the
    star must be written out as its columns first (athena_ddl's ``expand_stars``, where the columns are known)."""
    if isinstance(node, exp.Star) and node.args.get("except_"):
        raise RewriteError("SELECT * EXCLUDE (...) has no Trino equivalent unless the columns of * are known: "
                           "name the columns")  # fmt: skip
    return node


def list_subscripts(node: exp.Expression) -> exp.Expression:
    """DuckDB's ``l[i]`` (NULL past the end) as Spark's ``try_element_at(l, i)`` (Spark's ``l[i]`` raises with ANSI
    mode on, and counts from 0), and ``l[a:b]`` (1-based, both ends included) as ``slice(l, a, b - a + 1)``. Literal
    subscripts only; a text's key (``m['k']``) is left alone."""
    return _subscript(node, "TRY_ELEMENT_AT")


def list_subscripts_trino(node: exp.Expression) -> exp.Expression:
    """As :func:`list_subscripts`, for Trino: ``element_at(l, i)`` (NULL past the end; Trino's ``l[i]`` raises),
    ``slice(l, a, b - a + 1)`` (Trino's ``slice`` takes a start from 1 and a length, as Spark's; it has no
    ``l[a:b]``)."""
    return _subscript(node, "ELEMENT_AT")


def _subscript(node: exp.Expression, element_at: str) -> exp.Expression:
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
        return exp.Anonymous(this=element_at, expressions=[node.this, exp.Literal.number(int(sub.this) + 1)])
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
