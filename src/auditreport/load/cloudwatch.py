"""CloudWatch Logs snapshots -> ``cloudwatch_log_groups`` and ``cloudwatch_log_events``."""

from __future__ import annotations

import json
from pathlib import Path

from ..period import Period
from .base import Coverage, LoadResult, period_span, quarantine_rows, table_count
from .log_events import log_event_content
from .snapshot import SnapshotLoader, SnapshotRead, SnapshotReader, as_dict, parse_time


def read_cloudwatch(root: Path, run_id: str) -> SnapshotRead:
    rd = SnapshotReader("cloudwatch", root, run_id)
    cap = rd.captured_at()
    for acct, region, _, path in rd.operation_files("logs", "DescribeLogGroups"):
        body = rd.read_json(path)
        with rd.each(path):
            if body is None:
                continue
            for i, g in enumerate(body.get("logGroups", [])):
                rd.result.add("cloudwatch_log_groups", {
                    "account_id": acct, "region": region, "log_group_name": g.get("logGroupName"),
                    "log_group_arn": g.get("logGroupArn") or g.get("arn"), "retention_in_days": g.get("retentionInDays"),
                    "creation_time": parse_time(g.get("creationTime")), "stored_bytes": g.get("storedBytes"),
                    "kms_key_id": g.get("kmsKeyId"), "captured_at": cap, "source_key": rd.key(path),
                    "record_index": i, "ingest_run_id": run_id,
                })  # fmt: skip
    for acct, region, group, path in rd.operation_files("logs", "FilterLogEvents"):
        body = rd.read_json(path)
        with rd.each(path):
            if body is None:
                continue
            for i, ev in enumerate(body.get("events", [])):
                ts = parse_time(as_dict(ev).get("timestamp"))
                if ts is None:
                    if ev.get("timestamp") is None:
                        reason, detail = "missing_timestamp", f"log event {i} has no timestamp"
                    else:
                        reason, detail = "unparseable_timestamp", f"log event {i} has a timestamp that is not a time"
                    rd.quarantine(rd.key(path), reason, detail, json.dumps(ev, default=str)[:300], i)
                    continue
                rd.result.add("cloudwatch_log_events", {
                    "account_id": acct, "region": region, "log_group_name": ev.get("logGroupName") or group,
                    "log_stream_name": ev.get("logStreamName"), "event_time": ts,
                    "ingestion_time": parse_time(ev.get("ingestionTime")), "event_id": ev.get("eventId"),
                    "message": ev.get("message"), "source_key": rd.key(path), "record_index": i, "ingest_run_id": run_id,
                    "year": ts.year, "month": ts.month,
                })  # fmt: skip
                log_event_content(rd, rd.key(path), i, rd.result.rows["cloudwatch_log_events"][-1])
    return rd.result


class CloudWatchLoader(SnapshotLoader):
    source = "cloudwatch"
    service = "logs"

    def read(self, root: Path, run_id: str) -> SnapshotRead:
        return read_cloudwatch(root, run_id)

    def coverage(self, con, period: Period, loaded: LoadResult) -> Coverage:
        """Log groups are a snapshot; their events cover the period from the first to the last one read."""
        events, first, last = period_span(con, "cloudwatch_log_events", "event_time", period)
        return Coverage(
            records_loaded=events + table_count(con, "cloudwatch_log_groups"), time_min=first, time_max=last,
            quarantine=quarantine_rows(con, "source = $s", {"s": self.source}),
        )  # fmt: skip
