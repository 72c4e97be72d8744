"""Writing the lake: Python rows into a table shaped like a lake table (through Arrow), one Parquet file written
atomically, a snapshot table replaced whole, a period's files of an event table replaced, quarantine files."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa

from ..period import Period
from ..raw import staged
from . import TABLES
from .arrow_probe import answer_without_pandas
from .connection import sql_string


def create_temp_table(con, name: str, temp_name: str) -> None:
    con.execute(f'DROP TABLE IF EXISTS "{temp_name}"')
    con.execute(TABLES[name].ddl(temp_name, temp=True))


def insert_rows(con, name: str, temp_name: str, rows: list[dict]) -> None:
    """Insert Python rows (dicts; JSON columns may hold dicts/lists) into a table shaped like lake table ``name``.
    Goes through one Arrow table: DuckDB's executemany runs one statement per row, far too slow for thousands."""
    if not rows:
        return
    answer_without_pandas()
    cols = TABLES[name].all_columns
    arrays, names = [], []
    for c, typ in cols:
        values = [r.get(c) for r in rows]
        if typ == "JSON":
            values = [None if v is None else json.dumps(v, default=str) for v in values]
        try:
            arr = pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
            arr = pa.array([None if v is None else str(v) for v in values])
        arrays.append(arr)
        names.append(c)
    rows_arrow = pa.table(arrays, names=names)  # noqa: F841 - DuckDB scans the local by name
    select = ", ".join(f'CAST("{c}" AS {t})' for c, t in cols)
    quoted = ", ".join(f'"{c}"' for c, _ in cols)
    con.execute(f'INSERT INTO "{temp_name}" ({quoted}) SELECT {select} FROM rows_arrow')
    del rows_arrow


def write_parquet(con, select_sql: str, path: Path, params: dict | None = None) -> None:
    """COPY a SELECT to one Parquet file, atomically."""
    with staged(path) as tmp:
        con.execute(f"COPY ({select_sql}) TO {sql_string(tmp)} (FORMAT parquet)", params or {})


def write_rows(con, name: str, rows: list[dict], path: Path) -> None:
    """Rows shaped like lake table ``name`` to one Parquet file, atomically."""
    temp = f"_rows_{name}"
    create_temp_table(con, name, temp)
    insert_rows(con, name, temp, rows)
    write_parquet(con, f'SELECT * FROM "{temp}"', path)
    con.execute(f'DROP TABLE "{temp}"')


def replace_table(con, lake_root: Path, name: str, rows: list[dict]) -> int:
    """Rewrite a snapshot table whole from ``rows``: the new files appear at once, the old ones go after."""
    temp = f"_new_{name}"
    create_temp_table(con, name, temp)
    insert_rows(con, name, temp, rows)
    with staged(Path(lake_root) / name, directory=True) as stage:
        if TABLES[name].partitioned:
            con.execute(f'COPY (SELECT * FROM "{temp}") TO {sql_string(stage)} '
                        "(FORMAT parquet, PARTITION_BY (year, month), FILENAME_PATTERN 'part-{i}', OVERWRITE_OR_IGNORE)")
        else:
            write_parquet(con, f'SELECT * FROM "{temp}"', stage / "part-0.parquet")
    con.execute(f'DROP TABLE "{temp}"')
    return len(rows)


def replace_period_files(con, lake_root: Path, name: str, rows: list[dict], period_label: str) -> int:
    """Write a partitioned table's rows for one period, replacing what an earlier run of that period wrote.
    Other periods' files stay: the lake accumulates months. The files are kept per month: a period of several
    months writes each row in the files of the month its partition falls in (a row of a margin day before or after
    the period, in the first or last month's), so a quarter's run and three monthly runs leave the same files."""
    if not TABLES[name].partitioned:
        raise ValueError(f"{name} is not a partitioned table")
    months = Period.parse(period_label).month_labels()
    if len(months) == 1:
        return _replace_month_files(con, lake_root, name, rows, period_label)
    by_month: dict[str, list[dict]] = {m: [] for m in months}
    for row in rows:
        label = f"{row['year']:04d}-{row['month']:02d}" if row.get("year") and row.get("month") else months[0]
        by_month[min(max(label, months[0]), months[-1])].append(row)
    return sum(_replace_month_files(con, lake_root, name, part, m) for m, part in by_month.items())


def _replace_month_files(con, lake_root: Path, name: str, rows: list[dict], period_label: str) -> int:
    table_root = Path(lake_root) / name
    for old in table_root.rglob(f"period-{period_label}-*.parquet") if table_root.exists() else []:
        old.unlink()
    if not rows:
        return 0
    temp = f"_new_{name}"
    create_temp_table(con, name, temp)
    insert_rows(con, name, temp, rows)
    table_root.mkdir(parents=True, exist_ok=True)
    con.execute(
        f'COPY (SELECT * FROM "{temp}") TO {sql_string(table_root)} (FORMAT parquet, PARTITION_BY (year, month), '
        f"FILENAME_PATTERN {sql_string(f'period-{period_label}-{{i}}')}, OVERWRITE_OR_IGNORE)"
    )
    con.execute(f'DROP TABLE "{temp}"')
    return len(rows)


def write_table_rows(con, lake_root: Path, name: str, rows: list[dict], period_label: str) -> int:
    """A loader's rows for one table: a period's files for an event table, the whole table for a snapshot table."""
    if TABLES[name].partitioned:
        return replace_period_files(con, lake_root, name, rows, period_label)
    return replace_table(con, lake_root, name, rows)


# -- quarantine ----------------------------------------------------------------------------------------------------


def quarantine_row(source: str, object_key: str, reason: str, detail: str, run_id: str, *,
                   record_index: int | None = None, excerpt: str | None = None) -> dict:
    """One row of the ``quarantine`` table: an object (``record_index`` None) or one record of it that could not be
    loaded, with a short reason code and one line for a person."""
    return {
        "source": source, "object_key": object_key, "record_index": record_index, "reason": reason,
        "detail": detail, "raw_excerpt": excerpt, "quarantined_at": datetime.now(timezone.utc).replace(tzinfo=None),
        "ingest_run_id": run_id,
    }  # fmt: skip


def quarantine_path(lake_root: Path, name: str) -> Path:
    return Path(lake_root) / "quarantine" / f"{name}.parquet"


def write_quarantine(con, lake_root: Path, name: str, rows: list[dict]) -> None:
    """Write quarantine rows as ``quarantine/<name>.parquet``, replacing a file of that name; no rows, no file.
    CloudTrail names its files after the batch they belong to; a snapshot source after itself (it is re-read whole)."""
    path = quarantine_path(lake_root, name)
    if not rows:
        path.unlink(missing_ok=True)
        return
    write_rows(con, "quarantine", rows, path)
