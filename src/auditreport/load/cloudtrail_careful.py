"""The careful reader of CloudTrail log objects: DuckDB reads them through the one SQL projection of
:mod:`.cloudtrail_sql`, with every leniency the lake promises (times in any form DuckDB can read, epoch times,
booleans as text, records that are not objects, invalid UTF-8 salvaged record by record). It reads the objects the
fast reader (:mod:`.cloudtrail_fast`) refuses, which in a real trail are few.

Nothing is lost: an object DuckDB cannot read (corrupt gzip, truncated JSON) is isolated by bisecting its group and
quarantined whole; an object that is valid JSON but not a CloudTrail log file is quarantined; a record whose
``eventTime`` is missing or unparseable is quarantined alone. Loaded + quarantined = read, per object.

:class:`CarefulReader` is a part of :class:`.cloudtrail.CloudTrailLoader`, which gives it the connection, the lake
and the bookkeeping (markers, quarantine rows, the commit).
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from .. import lake
from ..lake.arrow_probe import answer_without_pandas
from ..lake.connection import file_sql, sql_string
from ..raw import RawObject, cloudtrail_key_scope
from .cloudtrail_objects import classify_read_error, excerpt, salvage_invalid_utf8
from .cloudtrail_sql import projection_sql, records_sql

# Largest JSON document DuckDB reads in a batch (uncompressed). DuckDB sizes its read buffers from it, so it is kept
# moderate; a single object above it is retried alone with the large limit before it counts as unreadable.
MAX_OBJECT_BYTES = 128 << 20
LARGE_OBJECT_BYTES = 1 << 30


def _quote_list(paths: list[str]) -> str:
    """The objects as a list of file names DuckDB reads literally (never as patterns)."""
    return "[" + ", ".join(file_sql(p) for p in paths) + "]"


def read_batch_sql(paths: list[str], max_object_bytes: int = MAX_OBJECT_BYTES, gzipped: bool = True) -> str:
    """Compression is given, never guessed from the name: DuckDB reads a name with ``?`` as a URL with a query."""
    return records_sql(_quote_list(paths), max_object_bytes, "gzip" if gzipped else "none")


class CarefulReader:
    """The DuckDB path of :class:`.cloudtrail.CloudTrailLoader` (attributes and bookkeeping come from it)."""

    con: duckdb.DuckDBPyConnection
    lake_root: Path
    events_dir: Path
    run_id: str
    _content_sha256: dict[str, str | None]
    _record_reasons: dict[tuple[str, int], tuple[str, str]]
    _salvage_dir: Path | None
    _gzipped: set[str]

    def _read_sql(self, paths: list[str], limit: int) -> str:
        """Read and project in one statement (one pass over the data): lake rows of the objects into _ct_rows."""
        read = read_batch_sql(paths, limit, gzipped=paths[0] in self._gzipped)
        source = f"(SELECT x.*, k.key, k.source_account_id, k.source_region FROM ({read}) x JOIN _ct_keys k USING (filename))"
        return f"CREATE OR REPLACE TEMP TABLE _ct_rows AS {projection_sql(source, passthrough=['no_records', 'n_docs', 'duplicate_records', 'n_records'])}"

    def _read_groups(self, items, bad, on_group) -> None:
        """Read ``items`` into temp table _ct_rows and hand them to ``on_group``. When DuckDB cannot read the group,
        split it in halves until the unreadable objects stand alone; they go to ``bad``, the rest are read."""
        if not items:
            return
        biggest = max(o.size_bytes for o, _ in items)
        # DuckDB sizes read buffers from maximum_object_size: derive it from the compressed sizes (JSON rarely
        # compresses beyond 30x), within bounds, rather than reserving the largest possible buffer per file.
        limit = min(max(biggest * 32, 16 << 20), MAX_OBJECT_BYTES)
        try:
            self.con.execute(self._read_sql([str(o.path) for o, _ in items], limit), {"run_id": self.run_id})
        except (duckdb.Error, MemoryError) as err:
            if len(items) == 1:
                self._read_one(items, limit, err, bad, on_group)
                return
        else:
            on_group(items)
            return
        mid = len(items) // 2
        self._read_groups(items[:mid], bad, on_group)
        self._read_groups(items[mid:], bad, on_group)

    def _read_one(self, items, limit: int, err: BaseException, bad, on_group) -> None:
        """One object DuckDB could not read with the others: retry it with the large-object limit when it was too
        large; salvage its good records when a few hold bytes that are not UTF-8; else it goes to ``bad`` with
        the reason named."""
        (obj, digest), = items
        if "maximum_object_size" in str(err) and limit < LARGE_OBJECT_BYTES:
            limit = LARGE_OBJECT_BYTES
            try:
                self.con.execute(self._read_sql([str(obj.path)], limit), {"run_id": self.run_id})
                on_group(items)
                return
            except (duckdb.Error, MemoryError) as err2:
                err = err2
        if "invalid UTF-8" in str(err) and self._read_salvaged(obj, limit):
            on_group(items)
            return
        bad.append((obj, digest, *classify_read_error(obj.path, err, limit)))

    def _read_salvaged(self, obj: RawObject, limit: int) -> bool:
        """Read ``obj`` with the records that hold non-UTF-8 bytes replaced by null (they are quarantined alone)."""
        self._salvage_dir = self._salvage_dir or Path(tempfile.mkdtemp(prefix="auditreport-salvage-"))
        dest = self._salvage_dir / f"{uuid.uuid4().hex}.json.gz"
        bad_records = salvage_invalid_utf8(obj.path, dest, limit)
        if bad_records is None:
            return False
        self._gzipped.add(str(dest))
        self.con.execute("INSERT INTO _ct_keys SELECT ?, key, source_account_id, source_region FROM _ct_keys "
                         "WHERE filename = ?", [str(dest), str(obj.path)])
        try:
            self.con.execute(self._read_sql([str(dest)], limit), {"run_id": self.run_id})
        except duckdb.Error:
            return False
        self._record_reasons.update({(obj.key, i): ("invalid_utf8", d) for i, d in bad_records.items()})
        return True

    def careful_load(self, items: list[tuple[RawObject, str]], stats) -> None:
        batch_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
        markers: list[dict] = []
        quarantined: list[dict] = []
        bad: list[tuple[RawObject, str, str, str]] = []
        # Magic-byte check first: a non-gzip object fails fast without costing a bisection.
        readable = []
        for obj, digest in items:
            try:
                with open(obj.path, "rb") as f:
                    head = f.read(2)
            except OSError as e:
                bad.append((obj, digest, "unreadable_object", f"cannot read the object: {e.strerror}"))
                continue
            gzipped = head == b"\x1f\x8b"
            if obj.key.endswith(".gz") and not gzipped:
                bad.append((obj, digest, "corrupt_gzip", "not gzip data (no gzip header)"))
            elif gzipped and self._content_sha256.get(obj.key) is None:
                bad.append((obj, digest, "corrupt_gzip", "not a complete gzip stream (damaged or truncated data)"))
            else:
                readable.append((obj, digest))
                if gzipped:
                    self._gzipped.add(str(obj.path))
        self._register_keys(readable)
        groups = iter(range(1 << 30))
        for compressed in (True, False):  # one compression per read
            self._read_groups(
                [(o, d) for o, d in readable if (str(o.path) in self._gzipped) == compressed], bad,
                lambda grp: self._project_and_write(grp, batch_id, next(groups), markers, quarantined, stats),
            )  # fmt: skip
        for obj, digest, reason, detail in bad:
            quarantined.append(self._quarantine_row(obj.key, None, reason, detail, excerpt(obj.path)))
            markers.append(self._marker(obj, obj.etag or digest, digest, "quarantined", 0, 0, 0, batch_id))
            stats.objects_quarantined += 1
            stats.inputs.append(self._input(obj, digest, "quarantined", 0))
        self._commit(batch_id, markers, quarantined)

    def _register_keys(self, items) -> None:
        """filename -> object key and the account and region the key names, for the batch's objects."""
        import pyarrow as pa

        keys = [[], [], [], []]
        for obj, _ in items:
            for col, v in zip(keys, (str(obj.path), obj.key, *cloudtrail_key_scope(obj.key))):
                col.append(v)
        answer_without_pandas()  # no pandas import for pyarrow's probe (see lake.arrow_probe)
        keys_arrow = pa.table(keys, names=["filename", "key", "source_account_id", "source_region"])
        self.con.execute("CREATE OR REPLACE TEMP TABLE _ct_keys AS SELECT * FROM keys_arrow")  # DuckDB scans the local
        del keys_arrow

    def _project_and_write(self, items, batch_id, group, markers, quarantined, stats) -> None:
        """Write the rows of _ct_rows (one group of the batch) to partitions; account for every object."""
        con = self.con
        staging = self.lake_root / f".staging-ct-{batch_id}-{group}"
        self.lake_root.mkdir(parents=True, exist_ok=True)
        columns = ", ".join(f'"{c}"' for c, _ in lake.TABLES["cloudtrail_events"].all_columns)
        con.execute(
            f"COPY (SELECT {columns} FROM _ct_rows WHERE event_time IS NOT NULL) TO {sql_string(staging)} "
            f"(FORMAT parquet, PARTITION_BY (year, month), FILENAME_PATTERN 'b-{batch_id}_g{group}_{{i}}')"
        )
        per_object = {
            key: (no_records, n_docs, duplicate, n_records, good, bad_n)
            for key, no_records, n_docs, duplicate, n_records, good, bad_n in con.execute(
                "SELECT source_key, any_value(no_records), any_value(n_docs), any_value(duplicate_records), "
                "any_value(n_records), "
                "count(*) FILTER (WHERE event_time IS NOT NULL), "
                "count(*) FILTER (WHERE event_time IS NULL AND NOT no_records AND n_records > 0) "
                "FROM _ct_rows GROUP BY source_key"
            ).fetchall()
        }
        for key, idx, raw, t, null_record in con.execute(
            "SELECT source_key, record_index, _raw, event_time_raw, _null_record FROM _ct_rows "
            "WHERE event_time IS NULL AND NOT no_records AND n_records > 0 ORDER BY source_key, record_index"
        ).fetchall():
            if (key, idx) in self._record_reasons:
                reason, detail = self._record_reasons.pop((key, idx))
            elif null_record:
                reason, detail = "null_record", f"record {idx} is not an event (null or not a JSON object)"
            elif t is None:
                reason, detail = "missing_event_time", f"record {idx} has no eventTime"
            else:
                reason, detail = "unparseable_event_time", f"record {idx} has an eventTime that is not a time: {t[:60]!r}"
            quarantined.append(self._quarantine_row(key, idx, reason, detail, raw))
        for obj, digest in items:
            no_records, n_docs, duplicate, n_records, good, bad_n = per_object.get(obj.key, (True, 0, False, 0, 0, 0))
            etag = obj.etag or digest
            if no_records:
                quarantined.append(self._quarantine_row(obj.key, None, *_not_one_log_file(n_docs, duplicate),
                                                        excerpt(obj.path)))
                markers.append(self._marker(obj, etag, digest, "quarantined", 0, 0, 0, batch_id))
                stats.objects_quarantined += 1
                stats.inputs.append(self._input(obj, digest, "quarantined", 0))
                continue
            markers.append(self._marker(obj, etag, digest, "loaded", n_records, good, bad_n, batch_id))
            stats.objects_loaded += 1
            stats.records_loaded += good
            stats.records_quarantined += bad_n
            stats.inputs.append(self._input(obj, digest, "loaded", good))
        # move the partition files into the lake (renames within one filesystem)
        if staging.exists():
            for f in staging.rglob("*.parquet"):
                dest = self.events_dir / f.relative_to(staging)
                dest.parent.mkdir(parents=True, exist_ok=True)
                f.replace(dest)
            shutil.rmtree(staging, ignore_errors=True)


def _not_one_log_file(n_docs: int | None, duplicate_records: bool | None) -> tuple[str, str]:
    """The reason and detail for an object that is valid JSON but not one CloudTrail log file."""
    if n_docs and n_docs > 1:
        return "multiple_json_documents", f"{n_docs} JSON documents in one object; a CloudTrail log file holds one"
    if duplicate_records:
        return "duplicate_records_key", "the Records key appears more than once, so some records would be hidden"
    return "not_cloudtrail", "valid JSON but not a CloudTrail log file (no top-level Records array)"
