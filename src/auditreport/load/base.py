"""The loader contract: raw evidence in, lake tables out, and an account of every input.

Each source's loader (named by its record in :mod:`auditreport.sources`) takes the :class:`~auditreport.raw.RawEvidence`
its extractor produced and returns a :class:`LoadResult`: what it read and what became of each input, and the
quarantine rows it wrote through the one quarantine writer (:func:`auditreport.lake.writer.write_quarantine`). After
every source is loaded and the views exist, :meth:`Loader.coverage` measures what the lake holds for the period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Protocol

import duckdb

from ..period import Period
from ..raw import RawEvidence
from ..results import InputFile


@dataclass
class LoadContext:
    con: duckdb.DuckDBPyConnection
    lake_root: Path
    period: Period
    run_id: str
    progress: Callable[[int, int], None] = lambda objects, nbytes: None  # objects and bytes loaded, as they go


@dataclass
class LoadResult:
    """What a loader did with one source's raw evidence."""

    source: str
    inputs: list[InputFile] = field(default_factory=list)  # every input read, with what became of it
    objects_read: int = 0
    objects_loaded: int = 0
    objects_quarantined: int = 0
    objects_skipped: int = 0  # loaded by an earlier run, unchanged
    records_quarantined: int = 0  # single records quarantined inside objects that loaded
    captured_at: datetime | None = None  # when a snapshot was taken
    detail: str = ""  # one line the report shows beside the source, when there is something to say


@dataclass
class Coverage:
    """What the lake holds from one source for the period, measured after loading."""

    records_loaded: int = 0
    records_quarantined: int | None = None  # None: as the LoadResult counted them
    time_min: datetime | None = None
    time_max: datetime | None = None
    quarantine: list[dict] = field(default_factory=list)  # the source's quarantine rows that concern the period
    days_present: list | None = None  # for a source measured by day: the days of the period holding a record
    # CloudTrail: per trail, account and region, the days with a record and the records (load/cloudtrail_source.py)
    scopes: list[dict] | None = None


class Loader(Protocol):
    source: str

    def load(self, raw: RawEvidence, ctx: LoadContext) -> LoadResult:
        """Write the source's lake tables. Raises SourceError when the evidence holds nothing loadable at all."""

    def coverage(self, con: duckdb.DuckDBPyConnection, period: Period, loaded: LoadResult) -> Coverage:
        """Measure, over the lake views, what the period holds from this source."""


def quarantine_rows(con: duckdb.DuckDBPyConnection, where: str, params: dict | None = None) -> list[dict]:
    """Rows of the ``quarantine`` view matching ``where``."""
    cur = con.execute(f"SELECT * FROM quarantine WHERE {where} ORDER BY source, object_key, record_index NULLS FIRST",
                      params or {})
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def table_count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]


def period_span(con: duckdb.DuckDBPyConnection, table: str, column: str, period: Period) -> tuple:
    """(rows, first, last) of an event table within the period."""
    return con.execute(
        f'SELECT count(*), min("{column}"), max("{column}") FROM "{table}" WHERE "{column}" >= $s AND "{column}" < $e',
        {"s": period.start, "e": period.end},
    ).fetchone()
