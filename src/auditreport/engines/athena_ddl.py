"""The lake on S3 as Athena tables: ``auditreport lake ddl --engine athena`` prints the statements.

Everything comes from the lake's own declarations, never from a column list kept here: every table of
``lake/tables/`` becomes a ``CREATE EXTERNAL TABLE`` over its folder (``STORED AS PARQUET``, the columns and types of
:class:`~auditreport.lake.schema.Table`, JSON documents as ``string``, as the lake keeps them), and the shared views
of ``queries/_views`` become ``CREATE OR REPLACE VIEW`` in Trino's dialect (Athena's engine), transpiled by
:func:`~auditreport.engines.dialect.to_dialect`, the catalogue's one home for other dialects.

- **Partition projection**: an event table's ``year=/month=`` folders are computed by Athena from
  ``projection.*`` properties, so no ``MSCK REPAIR TABLE`` or crawler is needed when a month is added. The partition
  columns keep the lake's types (``INTEGER`` -> ``int``, as DuckDB's views read them: ``year = 2026`` means the same
  on both engines); the lake has no partition by account, so no account id is ever typed as a number. The projected
  ranges cover every folder the loader can write (CloudTrail began in 2013; months 1-12, without leading zeros, as
  the lake writes them): a partition outside the range would be silently absent, so the range is wide, not tight.
- **Columns the DuckDB views compute** (``Table.derived``: ``source_trail``): an external table cannot compute a
  column, so such a table's files are the table ``<name>_stored`` and ``<name>`` is a view adding the computed columns,
  the same expressions as DuckDB's views, transpiled. Checks and views read ``<name>`` on both engines.

Athena runs DDL (``CREATE DATABASE``, ``CREATE EXTERNAL TABLE``) with Hive's grammar and views and queries with
Trino's: each :class:`Statement` says which, and the tests parse each with that grammar.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.optimizer.qualify import qualify
from sqlglot.schema import MappingSchema

from ..checks.catalogue import load_catalogue
from ..errors import ConfigError
from ..lake import TABLES
from ..lake.schema import Table
from .dialect import DialectError, parse_duckdb, to_dialect

DEFAULT_DATABASE = "auditreport"
DEFAULT_LOCATION = "s3://YOUR-BUCKET/auditreport/lake"  # printed as is when --location is not given: visibly a stand-in
STORED_SUFFIX = "_stored"
UNREACHABLE = "lake folder {folder} is outside the partition projection: Athena will not read its files"

ATHENA_TYPES = {"VARCHAR": "string", "JSON": "string", "INTEGER": "int", "BIGINT": "bigint", "BOOLEAN": "boolean",
                "TIMESTAMP": "timestamp", "DOUBLE": "double"}  # fmt: skip

# Partition projection per partition column (lake.schema.PARTITION_COLUMNS): the values Athena computes for it.
# A partition column without an entry here fails loudly (ValueError), rather than be printed without projection.
PROJECTION = {
    "year": {"type": "integer", "range": "2013,2099"},  # CloudTrail began in November 2013
    "month": {"type": "integer", "range": "1,12"},  # no "digits": the lake writes month=9, not month=09
}

_S3_URI = re.compile(r"^s3://(?P<bucket>[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?P<prefix>(/[A-Za-z0-9!_.*()/=+-]*)?)$")
_DATABASE = re.compile(r"^[a-z0-9_]{1,255}$")


@dataclass(frozen=True)
class Statement:
    name: str  # the database, table or view it creates
    grammar: str  # "hive" (Athena's DDL) or "trino" (Athena's views and queries)
    sql: str  # one statement, without the closing semicolon


@dataclass(frozen=True)
class AthenaDdl:
    statements: list[Statement]  # in the order to run them
    not_written: list[tuple[str, str]]  # (view, why): a shared view with no Trino statement, and the views reading it
    # folders of a local lake (relative to it) holding Parquet files that partition projection does not reach
    unreachable: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.not_written and not self.unreachable


def lake_location(uri: str | None) -> str:
    """The lake's S3 folder, without a trailing slash: ``s3://bucket[/prefix]``; ConfigError naming the option."""
    if uri is None:
        return DEFAULT_LOCATION
    uri = uri.rstrip("/")
    if not _S3_URI.match(uri) or "//" in uri[5:]:
        raise ConfigError(f"--location: '{uri}' is not an S3 folder of the form s3://bucket/prefix (a bucket name in "
                          "lower case; the prefix of letters, digits and !_.*()/=+-)")
    return uri


def database_name(name: str | None) -> str:
    name = DEFAULT_DATABASE if name is None else name
    if not _DATABASE.match(name):
        raise ConfigError(f"--database: '{name}' is not an Athena database name (lower-case letters, digits and _)")
    return name


def hive_string(text: str) -> str:
    """A Hive string literal (Hive escapes with backslashes)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _athena_type(table: Table, column: str, typ: str) -> str:
    try:
        return ATHENA_TYPES[typ]
    except KeyError:
        raise ValueError(f"lake table {table.name}: column {column} has type {typ}, which has no Athena type") from None


def projected(column: str, value: str) -> bool:
    """Whether partition projection produces ``value`` (a folder name's value, as text) for ``column``."""
    spec = PROJECTION[column]
    if spec["type"] != "integer" or "digits" in spec:
        raise ValueError(f"partition column {column}: only integer projection without digits is checked here")
    low, high = map(int, spec["range"].split(","))
    return value.isdigit() and str(int(value)) == value and low <= int(value) <= high


def unreachable_folders(lake_root: Path) -> list[str]:
    """The folders of the lake at ``lake_root`` holding Parquet files of an event table that Athena, going by the
    partition projection, would never read: a partition value outside the projected range (an event time before 2013,
    a null time written as ``__HIVE_DEFAULT_PARTITION__``) or files outside the ``year=/month=`` folders. Relative to
    ``lake_root``, sorted."""
    out: set[str] = set()
    for t in TABLES.values():
        root = Path(lake_root) / t.name
        if not t.partitioned or not root.is_dir():
            continue
        names = [c for c, _ in t.partition_columns]
        for f in root.rglob("*.parquet"):
            parts = [p.split("=", 1) for p in f.parent.relative_to(root).parts]
            if [p[0] for p in parts] != names or not all(len(p) == 2 and projected(*p) for p in parts):
                out.add(f.parent.relative_to(lake_root).as_posix())
    return sorted(out)


def stored_name(table: Table) -> str:
    """The external table over ``table``'s files: its own name, or ``<name>_stored`` when a view adds columns."""
    return table.name + STORED_SUFFIX if table.derived else table.name


def table_statement(table: Table, location: str, database: str) -> Statement:
    """``CREATE EXTERNAL TABLE`` over ``<location>/<table>/``, with partition projection for an event table."""
    name = stored_name(table)
    cols = ",\n".join(f"  `{c}` {_athena_type(table, c, t)}" for c, t in table.stored_columns)
    folder = f"{location}/{table.name}/"
    lines = [f"CREATE EXTERNAL TABLE IF NOT EXISTS `{database}`.`{name}` (\n{cols}\n)",
             f"COMMENT {hive_string(table.description)}"]  # fmt: skip
    props: dict[str, str] = {}
    if table.partition_columns:
        parts = ", ".join(f"`{c}` {_athena_type(table, c, t)}" for c, t in table.partition_columns)
        lines.append(f"PARTITIONED BY ({parts})")
        props["projection.enabled"] = "true"
        for col, _ in table.partition_columns:
            if col not in PROJECTION:
                raise ValueError(f"lake table {table.name}: partition column {col} has no partition projection")
            props.update({f"projection.{col}.{k}": v for k, v in PROJECTION[col].items()})
        props["storage.location.template"] = folder + "/".join(f"{c}=${{{c}}}" for c, _ in table.partition_columns) + "/"
    lines += ["STORED AS PARQUET", f"LOCATION {hive_string(folder)}"]
    props["classification"] = "parquet"
    lines.append("TBLPROPERTIES (\n" + ",\n".join(f"  {hive_string(k)} = {hive_string(v)}" for k, v in props.items()) + "\n)")
    return Statement(name, "hive", "\n".join(lines))


def in_database(trino_sql: str, names: set[str], database: str) -> str:
    """``trino_sql`` with every table it reads that is one of ``names`` (lake tables, views) named in ``database``:
    a view Athena stores must not depend on the database its reader has selected."""
    tree = sqlglot.parse_one(trino_sql, read="trino")
    ctes = {c.alias_or_name for c in tree.find_all(exp.CTE)}
    for table in tree.find_all(exp.Table):
        if not table.args.get("db") and table.name in names and table.name not in ctes:
            table.set("db", exp.to_identifier(database))
    return tree.sql(dialect="trino")


def expand_stars(duckdb_select: str, columns: dict[str, dict[str, str]]) -> tuple[str, list[str]]:
    """``duckdb_select`` with every ``*`` written out as the columns it stands for (``columns``: table or view ->
    column -> type), and the names of the columns it returns.

    Why: Trino has no ``QUALIFY``; sqlglot writes it as a filter on a ``ROW_NUMBER()`` column ``_w`` of a subquery,
    and a ``SELECT *`` over that subquery returns ``_w`` too, and twice a column the view adds beside ``*``
    (``eks_audit_requests``: ``allowed``), which Athena refuses in a view. With the columns named, the view returns
    in Athena the columns it returns in DuckDB."""
    tree = parse_duckdb(duckdb_select)
    try:
        tree = qualify(tree, schema=MappingSchema(columns, dialect="duckdb"), dialect="duckdb", quote_identifiers=False,
                       validate_qualify_columns=False)  # fmt: skip
    except SqlglotError as e:
        raise DialectError(f"cannot name the columns of the SQL: {str(e).strip().splitlines()[0]}") from None
    return tree.sql(dialect="duckdb"), list(tree.named_selects)


def view_statement(name: str, duckdb_select: str, names: set[str], database: str) -> Statement:
    """``CREATE OR REPLACE VIEW`` of a DuckDB SELECT (no parameters), in Trino's dialect."""
    body = in_database(to_dialect(duckdb_select, "trino", {}), names, database)
    return Statement(name, "trino", f'CREATE OR REPLACE VIEW "{database}"."{name}" AS\n{body}')


def athena_ddl(location: str | None = None, database: str | None = None, queries_dir=None,
               lake_root: Path | None = None) -> AthenaDdl:
    """Every statement that makes the lake at ``location`` (``s3://bucket/prefix/lake``: the folder holding one
    folder per table) queryable in Athena's ``database``, in the order to run them: the database, the tables, the
    views adding computed columns, then the shared views, each after the views it reads. A shared view that cannot be
    written in Trino's dialect (outside the portable subset) is left out with the reason, and so is every view that
    reads it: Athena would refuse them. With ``lake_root`` (the local lake to be copied to ``location``), its folders
    that the partition projection does not reach are named (:func:`unreachable_folders`)."""
    location, database = lake_location(location), database_name(database)
    views = load_catalogue(queries_dir).views
    names = set(TABLES) | set(views)
    for t in TABLES.values():
        if t.derived and stored_name(t) in names:
            raise ValueError(f"lake table {t.name}: {stored_name(t)} is already the name of a table or view")
    names |= {stored_name(t) for t in TABLES.values()}
    out = [Statement(database, "hive", f"CREATE DATABASE IF NOT EXISTS `{database}`")]
    out += [table_statement(t, location, database) for t in TABLES.values()]
    out += [view_statement(t.name, f'SELECT *{t.derived_select()} FROM "{stored_name(t)}"', names, database)
            for t in TABLES.values() if t.derived]  # fmt: skip
    columns = {t.name: dict(t.all_columns + t.view_only_columns) for t in TABLES.values()}
    missing: dict[str, str] = {}
    for v in views.values():  # creation order: a view comes after every view it reads
        unwritten = [r for r in v.requires if r in missing]
        if unwritten:
            missing[v.id] = f"it reads view {unwritten[0]}, which is not written"
            continue
        try:
            select, returned = expand_stars(v.body, columns)
            out.append(view_statement(v.id, select, names, database))
        except DialectError as e:
            missing[v.id] = str(e)
            continue
        columns[v.id] = dict.fromkeys(returned, "VARCHAR")  # the names are what a view reading it needs
    if lake_root is not None and not Path(lake_root).is_dir():
        raise ConfigError(f"--out: {Path(lake_root).parent} holds no lake folder ({Path(lake_root).name}/)")
    unreachable = unreachable_folders(lake_root) if lake_root is not None else []
    return AthenaDdl(out, list(missing.items()), unreachable)


def render(ddl: AthenaDdl) -> str:
    """The statements as one script, each ending with a semicolon, a blank line between them; the views left out
    named in a comment at the end."""
    text = "".join(f"{s.sql};\n\n" for s in ddl.statements)
    text += "".join(f"-- view {name} not written: {why}\n" for name, why in ddl.not_written)
    text += "".join(f"-- {UNREACHABLE.format(folder=f)}\n" for f in ddl.unreachable)
    return text.rstrip("\n") + "\n"
