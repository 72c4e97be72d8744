"""The Parquet lake: table schemas (``schema``, ``tables/``), writing (``writer``) and opening (``connection``).

Every table is declared once, in ``lake/tables/<source>.py``. The loaders write these columns, the checks read them,
the check test runner builds empty tables from them, and ``audit.duckdb`` exposes one view per table.

Times are ``TIMESTAMP`` values in UTC (no zone attached), so Athena, Trino and Spark read them unchanged. Nested
documents (CloudTrail's ``requestParameters``, IAM policy documents, tags) are ``JSON`` text: never inferred
structs, because real data breaks struct inference (keys that differ only by case).
"""

from __future__ import annotations

from .schema import PROVENANCE, Table
from .tables import declared_tables

TABLES: dict[str, Table] = declared_tables()
BOOKKEEPING_TABLES = frozenset(name for name, t in TABLES.items() if t.source is None)


def table(name: str) -> Table:
    return TABLES[name]


def tables_of(source: str) -> list[str]:
    """The lake tables a source fills, in declaration order."""
    return [name for name, t in TABLES.items() if t.source == source]


__all__ = ["BOOKKEEPING_TABLES", "PROVENANCE", "TABLES", "Table", "table", "tables_of"]
