"""Opening the lake: one DuckDB connection set up the same way for the run, ``auditreport sql`` and
``audit.duckdb``, with one view per lake table over its Parquet files."""

from __future__ import annotations

from pathlib import Path

import duckdb

from . import TABLES


def sql_string(text: str | Path) -> str:
    """A SQL string literal (for the few statements that take no parameters, such as COPY and ATTACH)."""
    return "'" + str(text).replace("'", "''") + "'"


def glob_literal(path: str | Path) -> str:
    """``path`` as a DuckDB file pattern that matches exactly that path: DuckDB's readers expand ``*``, ``?`` and
    ``[...]`` in any path they are given, so each is written as a one-character class (``[*]``, ``[?]``, ``[[]``)."""
    return "".join({"[": "[[]", "*": "[*]", "?": "[?]"}.get(c, c) for c in str(path))


def file_sql(path: str | Path) -> str:
    """The SQL literal that names one file to a DuckDB reader, never as a pattern."""
    return sql_string(glob_literal(path))


def pattern_sql(folder: str | Path, pattern: str) -> str:
    """The SQL literal of ``pattern`` (a glob such as ``**/*.parquet``) below ``folder``, the folder taken literally."""
    return sql_string(glob_literal(Path(folder)) + "/" + pattern)


def connect(database: str | Path = ":memory:", *, work_dir: Path | None = None, memory_limit: str = "4GB",
            read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection in UTC, bounded in memory; ``work_dir`` receives DuckDB's spill files."""
    con = duckdb.connect(str(database), read_only=read_only)
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"SET memory_limit = {sql_string(memory_limit)}")
    con.execute("SET preserve_insertion_order = false")
    if work_dir is not None:
        tmp = Path(work_dir) / ".duckdb_tmp"
        tmp.mkdir(parents=True, exist_ok=True)
        con.execute(f"SET temp_directory = {sql_string(tmp)}")
    return con


def has_files(lake_root: Path, name: str) -> bool:
    d = Path(lake_root) / name
    return d.is_dir() and any(d.rglob("*.parquet"))


def view_sql(lake_root: Path, name: str, view_name: str | None = None) -> str:
    """CREATE VIEW over the table's Parquet files (Hive partitions read as columns), or an empty typed view."""
    t = TABLES[name]
    if has_files(lake_root, name):
        cols = ", ".join(f'CAST("{c}" AS {typ}) AS "{c}"' for c, typ in t.all_columns)
        # Partition values are typed, never inferred: inference reads a folder named 012345678901 as a number
        hive = ", hive_partitioning = true, hive_types = {'year': INTEGER, 'month': INTEGER}" if t.partitioned else \
            ", hive_partitioning = false"
        body = (f"SELECT {cols}{t.derived_select()} FROM read_parquet({pattern_sql(Path(lake_root) / name, '**/*.parquet')}{hive}, "
                f"union_by_name = true)")
    else:
        body = t.empty_select()
    return f'CREATE OR REPLACE VIEW "{view_name or name}" AS {body}'


def create_views(con: duckdb.DuckDBPyConnection, lake_root: Path, *, comments: bool = False) -> None:
    """One view per lake table (absolute paths, so the views work from any directory)."""
    lake_root = Path(lake_root).resolve()
    for name, t in TABLES.items():
        con.execute(view_sql(lake_root, name))
        if comments:
            con.execute(f'COMMENT ON VIEW "{name}" IS {sql_string(t.description)}')
