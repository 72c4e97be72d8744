"""Trail settings -> ``cloudtrail_trails``: one row per trail, from its home region; CloudTrail's public keys ->
``cloudtrail_public_keys``; and, with the digests the ``cloudtrail`` source loaded for the period (it loads first),
each digest's signature verified -> ``cloudtrail_digest_signatures`` (:mod:`.cloudtrail_signatures`)."""

from __future__ import annotations

from pathlib import Path

from ..lake.connection import pattern_sql
from ..period import Period
from .base import Coverage, LoadContext, LoadResult, table_count
from .cloudtrail_signatures import decode_key, key_fingerprint, verify_digests
from .snapshot import SnapshotLoader, SnapshotRead, SnapshotReader, as_dict, as_list, parse_time


def read_trails(root: Path, run_id: str) -> SnapshotRead:
    rd = SnapshotReader("trails", root, run_id)
    cap = rd.captured_at()
    status, selectors = {}, {}
    for acct, region, name, path in rd.operation_files("cloudtrail", "GetTrailStatus"):
        if (body := rd.read_json(path)) is not None:
            status[(acct, region, name)] = body
    for acct, region, name, path in rd.operation_files("cloudtrail", "GetEventSelectors"):
        if (body := rd.read_json(path)) is not None:
            selectors[(acct, region, name)] = body
    # A multi-region trail shows in every region's DescribeTrails ("shadow trails"): keep one entry per trail,
    # the one listed in its home region where that region was captured.
    chosen: dict[tuple, tuple] = {}
    for acct, region, _, path in rd.operation_files("cloudtrail", "DescribeTrails"):
        body = rd.read_json(path)
        with rd.each(path):
            found = [(i, as_dict(t)) for i, t in enumerate(as_list((body or {}).get("trailList", [])))]
            for _, t in found:
                if not isinstance(t.get("TrailARN"), (str, type(None))):
                    raise TypeError("TrailARN is not a string")
            for i, t in found:  # merged only once the whole file is read
                k = (acct, t.get("TrailARN"))
                if k not in chosen or region == (t.get("HomeRegion") or region):
                    chosen[k] = (region, path, i, t)
    for (acct, arn), (region, path, i, t) in sorted(chosen.items(), key=lambda kv: (kv[0][0], str(kv[0][1] or ""))):
        with rd.each(path):
            home = t.get("HomeRegion") or region
            name = t.get("Name")
            st = status.get((acct, home, name)) or status.get((acct, home, arn)) or _any(status, acct, name)
            sel = selectors.get((acct, home, name)) or selectors.get((acct, home, arn)) or _any(selectors, acct, name)
            rd.result.add("cloudtrail_trails", {
                "account_id": acct, "region": home, "trail_arn": arn, "trail_name": name, "home_region": home,
                "is_multi_region_trail": t.get("IsMultiRegionTrail"), "is_organization_trail": t.get("IsOrganizationTrail"),
                "include_global_service_events": t.get("IncludeGlobalServiceEvents"),
                "log_file_validation_enabled": t.get("LogFileValidationEnabled"),
                "s3_bucket_name": t.get("S3BucketName"), "s3_key_prefix": t.get("S3KeyPrefix"),
                "kms_key_id": t.get("KmsKeyId"), "cloud_watch_logs_log_group_arn": t.get("CloudWatchLogsLogGroupArn"),
                "cloud_watch_logs_role_arn": t.get("CloudWatchLogsRoleArn"),
                "is_logging": st.get("IsLogging") if st else None,
                "latest_delivery_time": parse_time(st.get("LatestDeliveryTime")) if st else None,
                "latest_delivery_error": st.get("LatestDeliveryError") if st else None,
                "latest_cloud_watch_logs_delivery_time":
                    parse_time(st.get("LatestCloudWatchLogsDeliveryTime")) if st else None,
                "latest_cloud_watch_logs_delivery_error": st.get("LatestCloudWatchLogsDeliveryError") if st else None,
                "event_selectors": sel.get("EventSelectors") if sel else None,
                "advanced_event_selectors": sel.get("AdvancedEventSelectors") if sel else None,
                "captured_at": cap, "source_key": rd.key(path), "record_index": i, "ingest_run_id": run_id,
            })  # fmt: skip
    read_public_keys(rd, cap, run_id)
    return rd.result


def read_public_keys(rd: SnapshotReader, cap, run_id: str) -> None:
    """``<account>/<region>/cloudtrail/ListPublicKeys.json``: {"PublicKeyList": [{"Value": base64 DER, "Fingerprint",
    "ValidityStartTime", "ValidityEndTime"}]}, one row per key."""
    for acct, region, _, path in rd.operation_files("cloudtrail", "ListPublicKeys"):
        body = rd.read_json(path)
        if body is None:
            continue
        with rd.each(path):
            for i, k in enumerate(as_list(body.get("PublicKeyList", []))):
                k = as_dict(k)
                if not isinstance(k.get("Value"), (str, type(None))):
                    raise TypeError("PublicKeyList[].Value is not base64 text")
                der = decode_key(k.get("Value"))
                rd.result.add("cloudtrail_public_keys", {
                    "account_id": acct, "region": region, "fingerprint": k.get("Fingerprint"),
                    "validity_start_time": parse_time(k.get("ValidityStartTime")),
                    "validity_end_time": parse_time(k.get("ValidityEndTime")), "value_base64": k.get("Value"),
                    "fingerprint_matches_key": der is not None and key_fingerprint(der) == str(k.get("Fingerprint")).lower(),
                    "captured_at": cap, "source_key": rd.key(path), "record_index": i, "ingest_run_id": run_id,
                })  # fmt: skip


def period_digests(con, lake_root: Path, month_labels: list[str]) -> list[dict]:
    """The ``cloudtrail_digests`` rows the ``cloudtrail`` source wrote for this period's months (none when it is not
    configured or found no digest)."""
    folder = Path(lake_root) / "cloudtrail_digests"
    if not folder.is_dir():
        return []
    patterns = [f"**/period-{m}-*.parquet" for m in month_labels if any(folder.rglob(f"period-{m}-*.parquet"))]
    if not patterns:
        return []
    files = "[" + ", ".join(pattern_sql(folder, p) for p in patterns) + "]"
    cur = con.execute(f"SELECT * FROM read_parquet({files}, "
                      "hive_partitioning = true, hive_types = {'year': INTEGER, 'month': INTEGER}, union_by_name = true) "
                      "ORDER BY source_key")
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def _any(d: dict, acct: str, name: str):
    for (a, _, n), v in d.items():
        if a == acct and n == name:
            return v
    return None


class TrailsLoader(SnapshotLoader):
    source = "trails"
    service = "cloudtrail"

    def read(self, root: Path, run_id: str) -> SnapshotRead:
        return read_trails(root, run_id)

    def derive(self, read: SnapshotRead, ctx: LoadContext) -> None:
        """Each digest of the period verified with the public keys just read."""
        digests = period_digests(ctx.con, ctx.lake_root, ctx.period.month_labels())
        keys = read.rows.get("cloudtrail_public_keys", [])
        for row in verify_digests(digests, keys, ctx.run_id):
            read.add("cloudtrail_digest_signatures", row)

    def coverage(self, con, period: Period, loaded: LoadResult) -> Coverage:
        """The records this source's own files hold: the verified digests came from the cloudtrail source."""
        cov = super().coverage(con, period, loaded)
        cov.records_loaded -= table_count(con, "cloudtrail_digest_signatures")
        return cov
