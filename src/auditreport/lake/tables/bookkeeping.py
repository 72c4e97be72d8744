"""The lake's own bookkeeping: every input object seen, and what had to be quarantined (every source)."""

from __future__ import annotations

from ...raw import cloudtrail_trail_sql
from ..schema import Table

# the trail a CloudTrail object or record came from, when the cloudtrail source reads several
_TRAIL = (("source_trail", "VARCHAR",
           f"CASE WHEN source IN ('cloudtrail', 'cloudtrail_digest') THEN {cloudtrail_trail_sql('object_key')} END"),)

TABLES = [
    Table(
        name="ingest_objects",
        source=None,
        description="Every input object the run saw, with what became of it: loaded, quarantined or changed.",
        columns=[
            ("source", "VARCHAR"),  # cloudtrail, cloudtrail_digest, sagemaker, ...
            ("object_key", "VARCHAR"),
            ("size_bytes", "BIGINT"),
            ("etag", "VARCHAR"),  # S3 ETag, or the SHA-256 of a local file
            ("sha256", "VARCHAR"),  # of the object as stored (gzip)
            ("content_sha256", "VARCHAR"),  # of its uncompressed content: what a CloudTrail digest records
            ("status", "VARCHAR"),  # loaded | quarantined | changed
            ("records_read", "INTEGER"),
            ("records_loaded", "INTEGER"),
            ("records_quarantined", "INTEGER"),
            ("batch_id", "VARCHAR"),
            ("loaded_at", "TIMESTAMP"),
            ("ingest_run_id", "VARCHAR"),
        ],
        provenance=False,
        derived=_TRAIL,
    ),
    Table(
        name="quarantine",
        source=None,
        description="Objects and records that could not be loaded, with the reason. Counted in the report.",
        columns=[
            ("source", "VARCHAR"),
            ("object_key", "VARCHAR"),
            ("record_index", "INTEGER"),  # null when the whole object was quarantined
            ("reason", "VARCHAR"),  # short code: corrupt_gzip, malformed_json, not_cloudtrail, missing_event_time, ...
            ("detail", "VARCHAR"),  # one line for a person
            ("raw_excerpt", "VARCHAR"),  # first bytes of the record or object, for investigation
            ("quarantined_at", "TIMESTAMP"),
            ("ingest_run_id", "VARCHAR"),
        ],
        provenance=False,
        derived=_TRAIL,
    ),
]
