"""What the cloudwatch loader derives from each log event besides its row: the Kubernetes audit event it carries
(``eks_audit_events``, parsed by ``eks_audit``) and the personal data it holds (``cloudwatch_log_pii``, found by
``log_pii``)."""

from __future__ import annotations

from . import eks_audit, log_pii
from .snapshot import SnapshotReader

_WHERE = ("account_id", "region", "log_group_name", "log_stream_name")


def log_event_content(rd: SnapshotReader, key: str, index: int, row: dict) -> None:
    """Rows derived from one loaded log event ``row`` (record ``index`` of file ``key``)."""
    prov = {"source_key": key, "record_index": index, "ingest_run_id": rd.run_id}
    message = row.get("message")
    cluster = eks_audit.audit_cluster(row.get("log_group_name"), row.get("log_stream_name"))
    if cluster is not None:
        try:
            audit = eks_audit.parse(message)
        except eks_audit.NotAuditEvent as e:
            rd.quarantine(key, "not_audit_event", f"log event {index} of {row.get('log_group_name')}: {e}",
                          str(message)[:300], index)
        else:
            when = audit["event_time"] or row["event_time"]
            rd.result.add("eks_audit_events", {
                **{k: row[k] for k in _WHERE}, "cluster_name": cluster, "log_event_id": row.get("event_id"),
                **audit, "event_time": when, **prov, "year": when.year, "month": when.month,
            })  # fmt: skip
        return  # audit events are the cluster's record, not the ML platform's log: not scanned for personal data
    if not isinstance(message, str):
        return
    for n, (kind, masked, offset) in enumerate(log_pii.find(message)):
        rd.result.add("cloudwatch_log_pii", {
            **{k: row[k] for k in _WHERE}, "event_time": row["event_time"], "event_id": row.get("event_id"),
            "match_index": n, "kind": kind, "masked": masked, "match_offset": offset, **prov,
            "year": row["event_time"].year, "month": row["event_time"].month,
        })  # fmt: skip
