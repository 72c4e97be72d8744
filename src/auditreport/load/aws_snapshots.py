"""AWS API snapshots (canonical layout) -> lake rows: trails, SageMaker, CloudWatch Logs, IAM, S3 settings."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote

from .snapshot_files import SnapshotRead, SnapshotReader, parse_time


def _error_code(body) -> str | None:
    return body.get("Error", {}).get("Code") if isinstance(body, dict) and isinstance(body.get("Error"), dict) else None


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
        for i, t in enumerate((body or {}).get("trailList", [])):
            k = (acct, t.get("TrailARN"))
            if k not in chosen or region == (t.get("HomeRegion") or region):
                chosen[k] = (region, path, i, t)
    for (acct, arn), (region, path, i, t) in sorted(chosen.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
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
            "is_logging": st.get("IsLogging") if st else None,
            "latest_delivery_time": parse_time(st.get("LatestDeliveryTime")) if st else None,
            "latest_delivery_error": st.get("LatestDeliveryError") if st else None,
            "event_selectors": sel.get("EventSelectors") if sel else None,
            "advanced_event_selectors": sel.get("AdvancedEventSelectors") if sel else None,
            "captured_at": cap, "source_key": rd.key(path), "record_index": i, "ingest_run_id": run_id,
        })  # fmt: skip
    return rd.result


def _any(d: dict, acct: str, name: str):
    for (a, _, n), v in d.items():
        if a == acct and n == name:
            return v
    return None


def _package_arn(name: str | None, account: str, region: str) -> str | None:
    if not name:
        return None
    if name.startswith("arn:"):
        return name
    return f"arn:aws:sagemaker:{region}:{account}:model-package/{name.lower()}"


def read_sagemaker(root: Path, run_id: str) -> SnapshotRead:
    rd = SnapshotReader("sagemaker", root, run_id)
    cap = rd.captured_at()
    for acct, region, _, path in rd.operation_files("sagemaker", "DescribeModelPackage"):
        p = rd.read_json(path)
        if p is None or _error_code(p):  # a resource deleted between list and describe
            continue
        containers = (p.get("InferenceSpecification") or {}).get("Containers") or [{}]
        rd.result.add("sagemaker_model_packages", {
            "account_id": acct, "region": region, "model_package_arn": p.get("ModelPackageArn"),
            "model_package_group_name": p.get("ModelPackageGroupName"), "model_package_version": p.get("ModelPackageVersion"),
            "model_approval_status": p.get("ModelApprovalStatus"), "approval_description": p.get("ApprovalDescription"),
            "model_package_status": p.get("ModelPackageStatus"), "creation_time": parse_time(p.get("CreationTime")),
            "last_modified_time": parse_time(p.get("LastModifiedTime")), "created_by": p.get("CreatedBy"),
            "last_modified_by": p.get("LastModifiedBy"), "model_data_url": containers[0].get("ModelDataUrl"),
            "image": containers[0].get("Image"), "customer_metadata": p.get("CustomerMetadataProperties"),
            "captured_at": cap, "source_key": rd.key(path), "ingest_run_id": run_id,
        })  # fmt: skip
    models: dict[tuple, list[dict]] = {}
    for acct, region, _, path in rd.operation_files("sagemaker", "DescribeModel"):
        m = rd.read_json(path)
        if m is None or _error_code(m):  # a resource deleted between list and describe
            continue
        containers = ([m["PrimaryContainer"]] if m.get("PrimaryContainer") else []) + (m.get("Containers") or [])
        rows = []
        for i, c in enumerate(containers or [{}]):
            rows.append({
                "account_id": acct, "region": region, "model_name": m.get("ModelName"), "model_arn": m.get("ModelArn"),
                "container_index": i, "model_package_arn": _package_arn(c.get("ModelPackageName"), acct, region),
                "image": c.get("Image"), "model_data_url": c.get("ModelDataUrl"),
                "execution_role_arn": m.get("ExecutionRoleArn"), "creation_time": parse_time(m.get("CreationTime")),
                "captured_at": cap, "source_key": rd.key(path), "record_index": i, "ingest_run_id": run_id,
            })  # fmt: skip
        models[(acct, region, m.get("ModelName"))] = rows
        for r in rows:
            rd.result.add("sagemaker_models", r)
    configs = {}
    for acct, region, _, path in rd.operation_files("sagemaker", "DescribeEndpointConfig"):
        c = rd.read_json(path)
        if c is not None and not _error_code(c):
            configs[(acct, region, c.get("EndpointConfigName"))] = c
    for acct, region, _, path in rd.operation_files("sagemaker", "DescribeEndpoint"):
        e = rd.read_json(path)
        if e is None or _error_code(e):  # a resource deleted between list and describe
            continue
        base = {
            "account_id": acct, "region": region, "endpoint_name": e.get("EndpointName"),
            "endpoint_arn": e.get("EndpointArn"), "endpoint_config_name": e.get("EndpointConfigName"),
        }  # fmt: skip
        rd.result.add("sagemaker_endpoints", {
            **base, "endpoint_status": e.get("EndpointStatus"), "creation_time": parse_time(e.get("CreationTime")),
            "last_modified_time": parse_time(e.get("LastModifiedTime")), "captured_at": cap,
            "source_key": rd.key(path), "ingest_run_id": run_id,
        })  # fmt: skip
        config = configs.get((acct, region, e.get("EndpointConfigName")))
        variants = (config or {}).get("ProductionVariants") or [{}]
        for i, v in enumerate(variants):
            containers = models.get((acct, region, v.get("ModelName"))) or [{}]
            # the container built from a registry package is the one whose approval matters
            c = next((c for c in containers if c.get("model_package_arn")), containers[0])
            rd.result.add("sagemaker_deployments", {
                **base, "endpoint_status": e.get("EndpointStatus"), "variant_name": v.get("VariantName"),
                "model_name": v.get("ModelName"), "model_arn": c.get("model_arn"),
                "model_package_arn": c.get("model_package_arn"), "image": c.get("image"),
                "model_data_url": c.get("model_data_url"),
                "endpoint_last_modified_time": parse_time(e.get("LastModifiedTime")), "captured_at": cap,
                "source_key": rd.key(path), "record_index": i, "ingest_run_id": run_id,
            })  # fmt: skip
    return rd.result


def read_cloudwatch(root: Path, run_id: str) -> SnapshotRead:
    rd = SnapshotReader("cloudwatch", root, run_id)
    cap = rd.captured_at()
    for acct, region, _, path in rd.operation_files("logs", "DescribeLogGroups"):
        body = rd.read_json(path)
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
        if body is None:
            continue
        for i, ev in enumerate(body.get("events", [])):
            ts = parse_time(ev.get("timestamp"))
            if ts is None:
                rd.quarantine(rd.key(path), "missing_timestamp", f"log event {i} has no timestamp", json.dumps(ev)[:300], i)
                continue
            rd.result.add("cloudwatch_log_events", {
                "account_id": acct, "region": region, "log_group_name": ev.get("logGroupName") or group,
                "log_stream_name": ev.get("logStreamName"), "event_time": ts,
                "ingestion_time": parse_time(ev.get("ingestionTime")), "event_id": ev.get("eventId"),
                "message": ev.get("message"), "source_key": rd.key(path), "record_index": i, "ingest_run_id": run_id,
                "year": ts.year, "month": ts.month,
            })  # fmt: skip
    return rd.result


def _doc(d):
    """IAM returns policy documents URL-encoded on the wire; boto3 decodes them. Accept both."""
    if isinstance(d, str):
        try:
            return json.loads(unquote(d))
        except json.JSONDecodeError:
            return None
    return d


def _as_list(v):
    if v is None:
        return None
    return v if isinstance(v, list) else [v]


def read_iam(root: Path, run_id: str) -> SnapshotRead:
    rd = SnapshotReader("iam", root, run_id)
    cap = rd.captured_at()
    for acct, _, _, path in rd.operation_files("iam", "GetAccountAuthorizationDetails"):
        body = rd.read_json(path)
        if body is None:
            continue
        key = rd.key(path)
        managed = {}
        for p in body.get("Policies", []):
            default = next((v for v in p.get("PolicyVersionList", []) if v.get("IsDefaultVersion")), None)
            managed[p.get("Arn")] = (p.get("PolicyName"), _doc(default.get("Document")) if default else None)
        kinds = [
            ("user", "UserDetailList", "UserName", "UserPolicyList"),
            ("role", "RoleDetailList", "RoleName", "RolePolicyList"),
            ("group", "GroupDetailList", "GroupName", "GroupPolicyList"),
        ]
        for ptype, list_key, name_key, inline_key in kinds:
            for i, pr in enumerate(body.get(list_key, [])):
                arn = pr.get("Arn")
                attached = [a.get("PolicyArn") for a in pr.get("AttachedManagedPolicies", [])]
                rd.result.add("iam_principals", {
                    "account_id": acct, "principal_type": ptype, "principal_name": pr.get(name_key),
                    "principal_arn": arn, "path": pr.get("Path"), "create_date": parse_time(pr.get("CreateDate")),
                    "assume_role_policy": _doc(pr.get("AssumeRolePolicyDocument")),
                    "attached_managed_policy_arns": attached, "group_names": pr.get("GroupList"),
                    "tags": {t["Key"]: t.get("Value") for t in pr.get("Tags", [])}, "captured_at": cap,
                    "source_key": key, "record_index": i, "ingest_run_id": run_id,
                })  # fmt: skip
                base = {"account_id": acct, "principal_type": ptype, "principal_name": pr.get(name_key),
                        "principal_arn": arn, "captured_at": cap, "source_key": key, "record_index": i,
                        "ingest_run_id": run_id}  # fmt: skip
                for ip in pr.get(inline_key, []):
                    _statements(rd, base, "inline", ip.get("PolicyName"), None, _doc(ip.get("PolicyDocument")))
                for a in pr.get("AttachedManagedPolicies", []):
                    name, doc = managed.get(a.get("PolicyArn"), (None, None))
                    name = name or a.get("PolicyName")
                    _statements(rd, base, "managed", name, a.get("PolicyArn"), doc)
    return rd.result


def _statements(rd: SnapshotReader, base: dict, kind: str, name, arn, doc) -> None:
    row = {**base, "policy_kind": kind, "policy_name": name, "policy_arn": arn}
    if not isinstance(doc, dict):
        # attached but its document was not captured: one row with no effect, so no check can read it as clean
        rd.result.add("iam_policy_statements", {**row, "statement_index": None, "sid": "document-not-captured"})
        return
    stmts = doc.get("Statement")
    for i, s in enumerate(_as_list(stmts) or []):
        rd.result.add("iam_policy_statements", {
            **row, "statement_index": i, "sid": s.get("Sid"), "effect": s.get("Effect"),
            "actions": _as_list(s.get("Action")), "not_actions": _as_list(s.get("NotAction")),
            "resources": _as_list(s.get("Resource")), "not_resources": _as_list(s.get("NotResource")),
            "condition": s.get("Condition"),
        })  # fmt: skip


def read_s3(root: Path, run_id: str) -> SnapshotRead:
    rd = SnapshotReader("s3", root, run_id)
    cap = rd.captured_at()
    buckets: dict[tuple, dict] = {}
    for op in ["GetBucketVersioning", "GetObjectLockConfiguration", "GetBucketLifecycleConfiguration", "GetPublicAccessBlock"]:
        for acct, _, bucket, path in rd.operation_files("s3", op):
            body = rd.read_json(path)
            if body is not None:
                buckets.setdefault((acct, bucket), {"_key": rd.key(path)})[op] = body
    for (acct, bucket), ops in sorted(buckets.items()):
        ver = ops.get("GetBucketVersioning") or {}
        lock = ops.get("GetObjectLockConfiguration")
        lock_cfg = (lock or {}).get("ObjectLockConfiguration") or {}
        retention = (lock_cfg.get("Rule") or {}).get("DefaultRetention") or {}
        life = ops.get("GetBucketLifecycleConfiguration")
        pab = ops.get("GetPublicAccessBlock")
        rd.result.add("s3_bucket_settings", {
            "account_id": acct, "bucket": bucket, "versioning_status": ver.get("Status"),
            "mfa_delete": ver.get("MFADelete"),
            "object_lock_enabled": None if lock is None else lock_cfg.get("ObjectLockEnabled") == "Enabled",
            "object_lock_mode": retention.get("Mode"), "object_lock_days": retention.get("Days"),
            "object_lock_years": retention.get("Years"),
            "lifecycle_rules": None if life is None else ([] if _error_code(life) else life.get("Rules", [])),
            "public_access_block": None if pab is None else ({} if _error_code(pab) else pab.get("PublicAccessBlockConfiguration")),
            "captured_at": cap, "source_key": ops["_key"], "ingest_run_id": run_id,
        })  # fmt: skip
    return rd.result


READERS = {
    "trails": read_trails,
    "sagemaker": read_sagemaker,
    "cloudwatch": read_cloudwatch,
    "iam": read_iam,
    "s3": read_s3,
}
