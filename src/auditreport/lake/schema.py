"""What a lake table is: its columns, its provenance columns, its partitioning. The tables themselves are declared
in ``lake/tables/<source>.py``, one module per source (plus ``bookkeeping.py`` for the lake's own tables)."""

from __future__ import annotations

from dataclasses import dataclass, field

PROVENANCE = [
    ("source_key", "VARCHAR"),  # the raw object or file this row came from (relative to its source root)
    ("record_index", "INTEGER"),  # position of the record inside that object (0-based), null when not a list
    ("ingest_run_id", "VARCHAR"),  # the run that loaded it
]


@dataclass(frozen=True)
class Table:
    name: str
    source: str | None  # the configured source that fills it; None for the bookkeeping tables every source fills
    description: str
    columns: list[tuple[str, str]]
    time_column: str | None = None  # event tables: the column a period filter applies to
    partitioned: bool = False  # year=/month= partitions from time_column
    provenance: bool = True
    extra_doc: dict[str, str] = field(default_factory=dict)

    @property
    def all_columns(self) -> list[tuple[str, str]]:
        cols = list(self.columns)
        if self.provenance:
            cols += PROVENANCE
        if self.partitioned:
            cols += [("year", "INTEGER"), ("month", "INTEGER")]
        return cols

    def ddl(self, name: str | None = None, temp: bool = False) -> str:
        body = ", ".join(f'"{c}" {t}' for c, t in self.all_columns)
        return f'CREATE {"TEMP " if temp else ""}TABLE "{name or self.name}" ({body})'

    def empty_select(self) -> str:
        """A typed, empty SELECT: what a view falls back to when the lake holds no file for the table yet."""
        cols = ", ".join(f'CAST(NULL AS {t}) AS "{c}"' for c, t in self.all_columns)
        return f"SELECT {cols} WHERE false"
