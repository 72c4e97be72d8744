"""The YAML header every catalogue SQL file starts with, and the one-SELECT rule for its SQL.

Checks (``queries/<domain>/<check_id>.sql``) and shared views (``queries/_views/<view_id>.sql``) both open with a YAML
block comment, ``/*--- ... ---*/``, so the whole file stays valid DuckDB SQL. Reading one never guesses: a header that
is missing, not YAML, not a mapping or not valid for its model stops loading with a one-line
``CheckDefinitionError`` naming the file.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import NoReturn, TypeVar

import duckdb
import yaml
from pydantic import BaseModel, ValidationError

from ..errors import CheckDefinitionError

_HEADER = re.compile(r"\A\s*/\*---[ \t]*\n(?P<yaml>.*?)\n---\*/", re.DOTALL)

Header = TypeVar("Header", bound=BaseModel)

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser where built in: the catalogue loads 10x faster


def safe_load(text: str):
    """``yaml.safe_load``, with libyaml's parser when PyYAML has it."""
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader


def fail(path: Path, msg: str, line: int | None = None) -> NoReturn:
    """Stop loading with a one-line error naming the file, and the line at fault when one is (``path:line: msg``)."""
    where = f"{path}:{line}" if line else f"{path}"
    raise CheckDefinitionError(f"{where}: {msg}", path=path, line=line)


def key_line(text: str, key: str) -> int | None:
    """The 1-based line of ``text`` where the top-level header key ``key:`` is written, if it is."""
    m = re.search(rf"^{re.escape(key)}[ \t]*:", text, re.MULTILINE)
    return text.count("\n", 0, m.start()) + 1 if m else None


_SQL_LINE = re.compile(r"\bLINE (\d+):")


def sql_error_line(message: str) -> int | None:
    """The line DuckDB names in a parser or binder error (``LINE 12: ...``); the checks run as whole files, header
    included, so it is the line of the file."""
    m = _SQL_LINE.search(message)
    return int(m.group(1)) if m else None


def pydantic_line(err: ValidationError, extra_key: str = "unknown header key") -> str:
    """The first validation error as ``location: message``, with how many more there are."""
    first = err.errors()[0]
    loc = ".".join(str(p) for p in first["loc"]) or "(top level)"
    msg = extra_key if first["type"] == "extra_forbidden" else first["msg"]
    if first["type"] == "string_type" and isinstance(first.get("input"), (int, float)) and not isinstance(first["input"], bool):
        msg += f" (YAML read it as the number {first['input']}: write it in quotes; unquoted, 3.10 even becomes 3.1)"
    more = f" (and {len(err.errors()) - 1} more)" if len(err.errors()) > 1 else ""
    return f"{loc}: {msg}{more}"


def read_sql_file(path: Path, model: type[Header], what: str = "check") -> tuple[Header, str, str]:
    """``(header, whole file, body after the header)``; the header validated against ``model``."""
    try:
        sql = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        fail(path, f"cannot read {what} file: {e}")
    m = _HEADER.match(sql)
    if not m:
        fail(path, "no metadata header: the file must start with a '/*---' ... '---*/' YAML block comment")
    first_line = sql.count("\n", 0, m.start("yaml")) + 1  # where the YAML starts in the file
    try:
        data = safe_load(m.group("yaml"))
    except yaml.YAMLError as e:
        mark = getattr(e, "context_mark", None) or getattr(e, "problem_mark", None)  # where the bad construct begins
        fail(path, f"header is not valid YAML: {str(e).splitlines()[0]}",
             first_line + mark.line if mark is not None else first_line)  # fmt: skip
    if not isinstance(data, dict):
        fail(path, "header must be a YAML mapping", first_line)
    try:
        header = model.model_validate(data)
    except ValidationError as e:
        loc = e.errors()[0]["loc"]
        fail(path, f"header: {pydantic_line(e)}", (key_line(sql, str(loc[0])) if loc else None) or first_line)
    return header, sql, sql[m.end():]


def sql_parameters(sql: str) -> set[str]:
    """The ``$name`` parameters a statement uses, as DuckDB's own parser sees them (comments and strings excluded).

    ValueError (or ``duckdb.Error`` from the parser) unless ``sql`` is exactly one SELECT. Parsed once per text: the
    catalogue's load and every run of the check ask (DuckDB's parser takes about 2 ms a check)."""
    return set(_sql_parameters(sql))


@functools.lru_cache(maxsize=1024)
def _sql_parameters(sql: str) -> frozenset[str]:
    statements = duckdb.extract_statements(sql)
    if len(statements) != 1:
        raise ValueError(f"expected exactly one SQL statement, found {len(statements)}")
    if statements[0].type != duckdb.StatementType.SELECT:
        raise ValueError(f"the statement must be a SELECT, not {statements[0].type.name}")
    return frozenset(statements[0].named_parameters)


def parsed_parameters(path: Path, sql: str) -> set[str]:
    """:func:`sql_parameters`, failing with the file named when the SQL is not one SELECT."""
    try:
        return sql_parameters(sql)
    except (duckdb.Error, ValueError) as e:
        fail(path, f"SQL does not parse: {str(e).strip().splitlines()[0]}", sql_error_line(str(e)))
