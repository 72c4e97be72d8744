"""Rewrites of DuckDB's JSON functions for Spark 4: validity and type tests, quoted members in computed paths, and
``from_json`` structures as Spark schemas (docs/portable-sql.md). :mod:`.rewrites` applies them."""

from __future__ import annotations

import json

from sqlglot import exp

from .rewrite_base import RewriteError, literal_text

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
        name = literal_text(node.expression)
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
