"""What a lake table is: its columns, its provenance columns, its partitioning. The tables themselves are declared
in ``lake/tables/<source>.py``, one module per source (plus ``bookkeeping.py`` for the lake's own tables)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cached_property
from datetime import datetime

_INT_RANGE = {"INTEGER": 1 << 31, "BIGINT": 1 << 63}

PROVENANCE = [
    ("source_key", "VARCHAR"),  # the raw object or file this row came from (relative to its source root)
    ("record_index", "INTEGER"),  # position of the record inside that object (0-based), null when not a list
    ("ingest_run_id", "VARCHAR"),  # the run that loaded it
]

# the Hive partition folders of an event table (``<table>/year=2026/month=10/``), from its time column; the values
# are written without leading zeros (``month=9``)
PARTITION_COLUMNS = [("year", "INTEGER"), ("month", "INTEGER")]


@dataclass(frozen=True)
class Table:
    name: str
    source: str | None  # the configured source that fills it; None for the bookkeeping tables every source fills
    description: str
    columns: list[tuple[str, str]]
    time_column: str | None = None  # event tables: the column a period filter applies to
    partitioned: bool = False  # year=/month= partitions from time_column
    provenance: bool = True
    # the columns that name one row: provenance, plus what tells apart the rows one record yields
    row_key: tuple[str, ...] = ("source_key", "record_index")
    extra_doc: dict[str, str] = field(default_factory=dict)
    # columns the views compute from the stored ones, never written: (name, type, DuckDB expression)
    derived: tuple[tuple[str, str, str], ...] = ()

    @property
    def all_columns(self) -> list[tuple[str, str]]:
        return self.stored_columns + self.partition_columns

    @property
    def partition_columns(self) -> list[tuple[str, str]]:
        """The Hive partition columns, in folder order (none for a snapshot table)."""
        return list(PARTITION_COLUMNS) if self.partitioned else []

    @property
    def stored_columns(self) -> list[tuple[str, str]]:
        """The columns inside the Parquet files: every column but the partition columns, which are folder names."""
        cols = list(self.columns)
        if self.provenance:
            cols += PROVENANCE
        return cols

    def arrow_schema(self):
        """The columns as an Arrow schema, for writers that build Arrow tables (JSON columns are text)."""
        import pyarrow as pa

        types = {"VARCHAR": pa.string(), "JSON": pa.string(), "INTEGER": pa.int32(), "BIGINT": pa.int64(),
                 "BOOLEAN": pa.bool_(), "TIMESTAMP": pa.timestamp("us"), "DOUBLE": pa.float64()}  # fmt: skip
        return pa.schema([(c, types[t]) for c, t in self.all_columns])

    def ddl(self, name: str | None = None, temp: bool = False) -> str:
        body = ", ".join(f'"{c}" {t}' for c, t in self.all_columns)
        return f'CREATE {"TEMP " if temp else ""}TABLE "{name or self.name}" ({body})'

    def empty_select(self) -> str:
        """A typed, empty SELECT: what a view falls back to when the lake holds no file for the table yet."""
        cols = ", ".join(f'CAST(NULL AS {t}) AS "{c}"' for c, t in self.all_columns + self.view_only_columns)
        return f"SELECT {cols} WHERE false"

    @property
    def view_only_columns(self) -> list[tuple[str, str]]:
        return [(c, t) for c, t, _ in self.derived]

    def derived_select(self) -> str:
        """``, <expr> AS "<name>"`` for each derived column (empty without any), to follow a view's columns."""
        return "".join(f', CAST({expr} AS {t}) AS "{c}"' for c, t, expr in self.derived)

    @cached_property
    def _types(self) -> dict[str, str]:
        """Column -> type, made once per table (a loader conforms every row)."""
        return dict(self.all_columns)

    def conform(self, row: dict) -> dict:
        """``row`` checked against the columns: each value of the column's type (or None), so that one strange input
        is refused by its loader, where it can be quarantined alone, rather than failing the whole table's write.
        Numbers given for a VARCHAR column become text. Raises TypeError or ValueError naming the column."""
        types = self._types
        out = {}
        for col, v in row.items():
            typ = types.get(col)
            if typ is None:
                raise ValueError(f"{self.name} has no column {col}")
            out[col] = None if v is None else _conform(self.name, col, typ, v)
        return out


def _conform(table: str, col: str, typ: str, v):
    where = f"{table}.{col}"
    if typ == "VARCHAR":
        if isinstance(v, str):
            return v
        if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v):
            return str(v)
    elif typ in _INT_RANGE:
        if isinstance(v, int) and not isinstance(v, bool):
            if -_INT_RANGE[typ] <= v < _INT_RANGE[typ]:
                return v
            raise ValueError(f"{where}: {v} is out of range for {typ}")
    elif typ == "BOOLEAN":
        if isinstance(v, bool):
            return v
    elif typ == "TIMESTAMP":
        if isinstance(v, datetime):
            return v
    elif typ == "JSON":
        json.dumps(v, allow_nan=False, default=str)  # raises ValueError for NaN or Infinity
        return v
    else:
        return v
    raise TypeError(f"{where}: expected {typ}, found {type(v).__name__} {str(v)[:40]!r}")
