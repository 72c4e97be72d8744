"""``auditreport sql``: ad-hoc SQL over a finished run's lake, read-only.

The investigator reads evidence; nothing they type can change it. Two locks, each enough for what it covers:

- **DuckDB's own settings**, set once the views exist and then locked (``lock_configuration``): no file-system access
  outside the lake (``enable_external_access = false`` with ``allowed_directories`` = the lake), no extension installed
  or loaded, no persistent secret, no spill file (``temp_directory = ''``; DuckDB's default is ``.tmp`` in the working
  directory). ``audit.duckdb`` is attached ``READ_ONLY`` before access is closed, so it cannot be attached again.
- **A statement allowlist**, because the lake must stay readable and DuckDB cannot allow a directory for reading only:
  SELECT (with SHOW, DESCRIBE, SUMMARIZE, VALUES, FROM-first), EXPLAIN of an allowed statement, and PRAGMAs that only
  read. Everything else (COPY, EXPORT, ATTACH, DETACH, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, SET, RESET,
  INSTALL, LOAD, CALL, PREPARE, EXECUTE, IMPORT, ...) is refused with one line before DuckDB runs any of the text.

With ``[privacy]`` the run's ``audit.duckdb`` holds masked copies of the lake tables (and a ``privacy`` table): the
shell then shows audit.duckdb's tables and views only, and no directory is allowed, so the raw lake cannot be read
through it (:mod:`auditreport.masking`).
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import duckdb

from .checks.catalogue import load_catalogue
from .errors import ConfigError, environment_failure
from .lake import TABLES
from .lake.connection import connect, create_views, sql_string
from .report.values import csv_text

READ_ONLY_BANNER = ("read-only: the lake and audit.duckdb are opened for reading, no other file can be read, and "
                    "statements that write or change settings (COPY, ATTACH, CREATE, INSERT, SET, INSTALL, ...) "
                    "are refused")  # fmt: skip

_READ_PRAGMAS = frozenset({
    "show_tables", "show_tables_expanded", "show_databases", "table_info", "show", "database_list", "database_size",
    "storage_info", "metadata_info", "version", "platform", "user_agent", "functions", "collations",
})  # fmt: skip
_PRAGMA_NAME = re.compile(r"\s*PRAGMA\s+([A-Za-z_]+)\s*(?:\(|;|$)", re.IGNORECASE)
# EXPLAIN [ANALYZE] [(options)] <statement>: the statement after it is held to the same allowlist (ANALYZE runs it).
_EXPLAIN_PREFIX = re.compile(r"\s*EXPLAIN\s+(?:ANALY[SZ]E\s+)?(?:\([^()]*\)\s*)?", re.IGNORECASE)
_FIRST_WORD = re.compile(r"\s*([A-Za-z]+)")

_LOCK_DOWN = [
    "SET temp_directory = ''",
    "SET autoinstall_known_extensions = false",
    "SET autoload_known_extensions = false",
    "SET allow_community_extensions = false",
    "SET allow_persistent_secrets = false",
    # allowed_directories is set in open_lake, before these two
    "SET enable_external_access = false",
    "SET lock_configuration = true",
]


def open_lake(out_dir: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with one view per lake table, the checks' shared views, and ``findings``/``check_results``
    from ``audit.duckdb``; then closed to everything but reading the lake (see the module's docstring)."""
    lake_root = Path(out_dir) / "lake"
    if not lake_root.is_dir():
        raise ConfigError(f"{out_dir}: no lake/ folder here; run 'auditreport run --out {out_dir}' first")
    lake_root = lake_root.resolve()
    con = connect()
    try:
        _open(con, lake_root, Path(out_dir) / "audit.duckdb")
    except BaseException:
        con.close()
        raise
    return con


def _open(con, lake_root: Path, db: Path) -> None:
    if db.is_file():
        try:
            con.execute(f"ATTACH {sql_string(db.resolve())} AS audit (READ_ONLY)")
        except duckdb.Error as e:
            raise environment_failure(e) or ConfigError(f"{db}: cannot open it: {_first_line(e)}") from None
    if db.is_file() and _audit_has(con, "privacy"):
        # [privacy]: audit.duckdb holds the lake's tables masked; the shell shows those and cannot read the lake
        names = con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = 'audit' UNION ALL "
                            "SELECT view_name FROM duckdb_views() WHERE database_name = 'audit' AND NOT internal "
                            "ORDER BY 1").fetchall()  # fmt: skip
        for (name,) in names:
            con.execute(f'CREATE VIEW "{name}" AS SELECT * FROM audit."{name}"')
        con.execute("SET allowed_directories = []")
    else:
        try:
            create_views(con, lake_root)
            load_catalogue().create_views(con)  # the shared views the checks read, so a check's SQL runs as it ran
        except duckdb.Error as e:
            failure = environment_failure(e)
            raise failure or ConfigError(f"{lake_root}: cannot open the lake: {_first_line(e)}") from None
        for t in ("check_results", "findings"):
            if db.is_file() and _audit_has(con, t):
                con.execute(f'CREATE VIEW "{t}" AS SELECT * FROM audit."{t}"')
        con.execute(f"SET allowed_directories = [{sql_string(str(lake_root) + '/')}]")
    for statement in _LOCK_DOWN:
        con.execute(statement)


def _audit_has(con, table: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = 'audit' AND table_name = ?",
                            [table]).fetchone()[0])  # fmt: skip


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


def refuse_writes(query: str) -> None:
    """ConfigError unless every statement of ``query`` only reads (the allowlist of the module's docstring)."""
    try:
        statements = duckdb.extract_statements(query)
    except duckdb.Error as e:
        raise ConfigError(f"query failed: {_first_line(e)}") from None
    for s in statements:
        _refuse_unless_reading(s)


def _refuse_unless_reading(s) -> None:
    try:
        kind = s.type
    except ValueError:  # a statement kind this binding cannot name (UPDATE EXTENSIONS in 2.0.1) is not one we allow
        kind = duckdb.StatementType.INVALID
    if kind == duckdb.StatementType.SELECT:
        return
    if kind == duckdb.StatementType.PRAGMA:
        m = _PRAGMA_NAME.match(s.query)
        if m and m.group(1).lower() in _READ_PRAGMAS:
            return
    if kind == duckdb.StatementType.EXPLAIN:
        m = _EXPLAIN_PREFIX.match(s.query)
        try:
            inner = duckdb.extract_statements(s.query[m.end():]) if m else []
        except duckdb.Error:
            inner = []
        if len(inner) == 1:
            _refuse_unless_reading(inner[0])
            return
    word = _FIRST_WORD.match(s.query)
    what = word.group(1).upper() if word else "this statement"
    raise ConfigError(f"query refused: {what} is not allowed; auditreport sql is read-only "
                      "(SELECT, SHOW, DESCRIBE, SUMMARIZE, EXPLAIN and PRAGMAs that read)")  # fmt: skip


def run_query(con, query: str, fmt: str, echo) -> None:
    """Run ``query`` and ``echo`` its result as a table, CSV or JSON lines. Any failure, before or while it runs, is
    one ConfigError line."""
    refuse_writes(query)
    try:
        if fmt in ("json", "csv"):
            _echo_rows(con.execute(query), fmt, echo)
            return
        rel = con.sql(query)
        if rel is not None:
            echo(str(rel))
    except duckdb.Error as e:
        raise ConfigError(f"query failed: {_first_line(e)}") from None


def _echo_rows(cursor, fmt: str, echo) -> None:
    """The result of the last statement, a thousand rows at a time: JSON lines or CSV records."""
    if cursor.description is None:
        return
    cols = [d[0] for d in cursor.description]
    if fmt == "csv":
        echo(_csv_line(cols))
    while rows := cursor.fetchmany(1000):
        for row in rows:
            echo(_csv_line(row) if fmt == "csv" else json.dumps(dict(zip(cols, row)), default=str))


def _csv_line(values) -> str:
    """One CSV record, each cell as evidence/*.csv writes it: a formula-leading text gets an apostrophe, and a cell
    holding a CR or LF is quoted (the writer quotes the characters of its line terminator, hence CRLF)."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow([csv_text(v) for v in values])
    return buf.getvalue()[:-2]


def shell(con, fmt: str, echo=print) -> None:
    """The SQL prompt. A bad, refused or interrupted statement prints one line and the prompt comes back."""
    echo("auditreport SQL over the lake. Tables: " + ", ".join(TABLES) + ". End statements with ';', Ctrl-D quits.")
    echo(READ_ONLY_BANNER + ".")
    buf: list[str] = []
    while True:
        try:
            line = input("sql> " if not buf else "...> ")
        except EOFError:
            echo("")
            return
        except KeyboardInterrupt:  # Ctrl-C at the prompt drops the statement being typed
            echo("")
            buf = []
            continue
        buf.append(line)
        if line.rstrip().endswith(";"):
            q = "\n".join(buf)
            buf = []
            try:
                run_query(con, q, fmt, echo)
            except ConfigError as e:
                echo(f"error: {e}")
            except KeyboardInterrupt:
                echo("error: interrupted")
            except duckdb.Error as e:  # pragma: no cover - run_query turns these into ConfigError
                echo(f"error: {_first_line(e)}")
