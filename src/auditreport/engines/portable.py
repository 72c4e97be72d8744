"""The portable subset: the DuckDB SQL the catalogue may use so that Spark gives the same rows (docs/portable-sql.md).

:func:`non_portable` lists what a check's or shared view's SQL uses outside the subset, each as one line naming the
construct; the catalogue meta-test holds every file to an empty list. It reads the SQL as sqlglot parses it in
DuckDB's dialect (comments and strings are not code), then asks :func:`~.dialect.to_dialect` for the Spark text, which
fails on what :mod:`.rewrites` refuses (an aggregate ordered descending, a ``format`` field spec...).

Only what can be seen in the text is enforced here. What depends on the data (a ``GLOB`` pattern with a character
class or an escape, a NULL inside a ``list()``) is written down in docs/portable-sql.md and measured by the
equivalence test.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.tokens import TokenType

from .dialect import DialectError, parse_duckdb, to_dialect
from .json_rewrites import json_path_shape

# The checks still outside the subset, with why (docs/portable-sql.md, "Not yet portable"): on Spark they are errors
# naming what is not portable; the catalogue meta-test fails when one of them keeps to the subset (then it leaves
# this list) or when any other check or view does not.
NOT_YET_PORTABLE: dict[str, str] = {}

# Functions sqlglot passes to Spark by the name DuckDB gives them: allowed only where Spark has the same function
# with the same meaning, or a rewrite turns them into one (json_valid, list_position: rewrites.py).
SPARK_KNOWN_FUNCTIONS = {"json_array_length", "to_hours", "to_minutes", "json_valid", "list_position"}

def _json_reader(node: exp.Expression | None) -> bool:
    """``node`` reads an extracted JSON value (``->``) as JSON, never as text: from_json, json_array_length, or a
    test for NULL (through coalesce and parentheses)."""
    while isinstance(node, (exp.Coalesce, exp.Paren)):
        node = node.parent
    return (isinstance(node, (exp.FromJson, exp.Is))
            or (isinstance(node, exp.Anonymous) and node.name.lower() == "json_array_length"))  # fmt: skip


def _path_text(node: exp.Expression) -> str:
    path = node.expression
    return path.sql("duckdb") if path is not None else ""


def non_portable(sql: str) -> list[str]:
    """What ``sql`` (DuckDB SQL, one statement) uses outside the portable subset, one line each, in the order found;
    empty when it keeps to the subset."""
    try:
        tree = parse_duckdb(sql)
    except DialectError as e:
        return [str(e)]
    found: list[str] = []

    def say(msg: str) -> None:
        if msg not in found:
            found.append(msg)

    _scan_tokens(sql, say)
    for node in tree.walk():
        if (isinstance(node, exp.Select) and node.args.get("qualify") and len(node.expressions) > 1
                and any(isinstance(e, exp.Star) for e in node.expressions)):  # fmt: skip
            say("QUALIFY in a SELECT of an unqualified * and more columns: sqlglot's Spark text repeats the columns; filter a "
                "row_number() in a subquery and SELECT * EXCLUDE it")
        elif isinstance(node, exp.RegexpReplace):
            mods = node.args.get("modifiers")
            if mods is None or "g" not in mods.name:
                say("regexp_replace without the 'g' option: DuckDB replaces the first match, Spark every match")
        elif isinstance(node, (exp.JSONExtract, exp.JSONExtractScalar)):
            if node.expression is not None and json_path_shape(node.expression) == "other":
                say(f"a JSON path computed as {_path_text(node)}: only '$.' || key (a plain key) and "
                    "'$.\"' || key || '\"' (any key) are written for Spark")  # fmt: skip
            elif "[*]" in _path_text(node):
                say(f"JSON path wildcard {_path_text(node)}: DuckDB returns a list, Spark's get_json_object a JSON "
                    "text; read the array with from_json")  # fmt: skip
            elif isinstance(node, exp.JSONExtract) and not _json_reader(node.parent):
                say(f"-> / json_extract ({node.sql('duckdb')[:60]}) read as text: DuckDB keeps a string's quotes, "
                    "Spark drops them; use ->> for a value, or pass the JSON to from_json or json_array_length")  # fmt: skip
        elif isinstance(node, exp.Anonymous) and node.name.lower() not in SPARK_KNOWN_FUNCTIONS:
            say(f"function {node.name.lower()}: sqlglot passes it to Spark untranslated, where it does not exist "
                "or means something else")  # fmt: skip
        elif isinstance(node, exp.Cast) and node.to.is_type(exp.DataType.Type.ARRAY) and isinstance(node.this, exp.Column):
            say(f"cast of the column {node.this.sql('duckdb')} to a list: Spark cannot cast JSON text to an array; "
                "use from_json")  # fmt: skip
        elif (isinstance(node, exp.Cast) and isinstance(node.this, exp.Literal) and node.this.is_string
              and node.this.this.strip().lower() in ("infinity", "-infinity", "+infinity")):  # fmt: skip
            say(f"the timestamp '{node.this.this}': Spark has no infinite timestamps")
    try:
        to_dialect(sql, "spark", _AnyParams())
    except DialectError as e:
        if "no value for parameter" not in str(e):
            say(str(e))
    return found


def _scan_tokens(sql: str, say) -> None:
    """What only the tokens show: ``len(`` (DuckDB's length of a text or a list; Spark's length is for text only)."""
    from sqlglot.dialects.duckdb import DuckDB

    tokens = DuckDB().tokenize(sql)
    for tok, nxt in zip(tokens, tokens[1:]):
        if tok.token_type == TokenType.VAR and tok.text.lower() == "len" and nxt.token_type == TokenType.L_PAREN:
            say("len(): write length() for a text, array_length() for a list (Spark's length is for text only)")


class _AnyParams(dict):
    """Every parameter bound to a typed value of its kind, for a Spark text to be written: only the shape matters."""

    def __contains__(self, key) -> bool:
        return True

    def __getitem__(self, key):
        import datetime as dt

        from ..checks.catalogue import PERIOD_PARAMS
        from ..config import Policy

        if key in PERIOD_PARAMS:
            return dt.datetime(2000, 1, 1)
        return Policy().model_dump().get(key, "")
