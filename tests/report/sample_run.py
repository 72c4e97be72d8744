"""A realistic RunResult built by hand on the real catalogue: real checks (ids, frameworks, SQL) with made-up results
that cover every status (fail, error, no_data, info, pass), hostile log text, long ARNs, an unavailable and a
not-configured source, quarantine entries, and 40 evidence rows to exercise the cap."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

from auditreport.checks.catalogue import Catalogue, load_catalogue
from auditreport.checks.model import CheckResult
from auditreport.period import Period
from auditreport.results import InputFile, RunResult, SourceStatus

ACCOUNT = "111122223333"
SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(2)">'
LONG_ARN = (
    f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:model-package/"
    "fraud-detection-transaction-scoring-gradient-boosted-ensemble-production-candidate/17"
)
LONG_ROLE = f"arn:aws:sts::{ACCOUNT}:assumed-role/ml-pipeline-execution-role-with-a-very-long-name-for-testing/botocore-session-1760000000"
RLO = "\u202e"  # right-to-left override: can make 'exe.txt' read as 'txt.exe'

# The checks the sample run holds, one per status the report distinguishes, in report order.
UNAPPROVED = "sagemaker_endpoint_unapproved_package"  # fail, critical: 40 rows, 13 failing
VALIDATION = "cloudtrail_log_file_validation"  # fail, high
BURST = "access_denied_burst_ml"  # fail, medium: hostile text
PRODUCTION = "mlflow_production_without_approval"  # error
RETENTION = "cloudwatch_ml_log_retention"  # no_data
ALIAS_CHANGES = "mlflow_production_alias_changes"  # info
ROOT = "root_account_activity"  # pass, no rows (detection)
VERSIONING = "cloudtrail_bucket_versioning"  # pass, 5 rows (posture)
REPORT_ORDER = [UNAPPROVED, VALIDATION, BURST, PRODUCTION, RETENTION, ALIAS_CHANGES, ROOT, VERSIONING]

_CATALOGUE: list[Catalogue] = []


def catalogue() -> Catalogue:
    """The repository's catalogue, loaded once per session."""
    if not _CATALOGUE:
        _CATALOGUE.append(load_catalogue())
    return _CATALOGUE[0]


def _unapproved_rows() -> list[dict]:
    rows = []
    base = datetime(2026, 10, 2, 8, 0, 0)
    for i in range(40):
        failing = i % 3 == 1  # 13 failing rows, interleaved with passing ones
        endpoint = f"fraud-scoring-endpoint-{i:02d}"
        package = LONG_ARN.replace("/17", f"/{i}")
        rows.append({
            "resource": f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:endpoint/{endpoint} (variant AllTraffic)",
            "status": "fail" if failing else "pass",
            "reason": (f"Endpoint {endpoint} variant AllTraffic serves model package {package}, whose approval status "
                       "is PendingManualApproval, not Approved." if failing else
                       f"Endpoint {endpoint} variant AllTraffic serves model package {package}, which is Approved in "
                       "the registry."),
            "account_id": ACCOUNT,
            "region": "eu-west-1",
            "endpoint_name": endpoint if i != 4 else f"{endpoint}{SCRIPT}",
            "variant_name": "AllTraffic",
            "model_package_arn": package,
            "model_approval_status": "PendingManualApproval" if failing else "Approved",
            "approval_description": None if failing else f"Reviewed by {LONG_ROLE}",
            "endpoint_last_modified_time": base + timedelta(hours=i),
            "captured_at": datetime(2026, 11, 1, 2, 0),
        })
    return rows


def make_result() -> RunResult:
    cat = catalogue()
    check = cat.check
    unapproved = CheckResult(
        check=check(UNAPPROVED), status="fail",
        columns=["resource", "status", "reason", "account_id", "region", "endpoint_name", "variant_name",
                 "model_package_arn", "model_approval_status", "approval_description", "endpoint_last_modified_time",
                 "captured_at"],
        rows=_unapproved_rows(), duration_s=0.21,
    )
    validation = CheckResult(
        check=check(VALIDATION), status="fail",
        columns=["resource", "status", "reason", "account_id", "trail_name", "log_file_validation_enabled",
                 "s3_bucket_name"],
        rows=[
            {"resource": f"arn:aws:cloudtrail:eu-west-1:{ACCOUNT}:trail/org-trail", "status": "pass",
             "reason": f"Trail org-trail of account {ACCOUNT} (home region eu-west-1) has log file validation enabled.",
             "account_id": ACCOUNT, "trail_name": "org-trail", "log_file_validation_enabled": True,
             "s3_bucket_name": "org-trail-logs"},
            {"resource": f"arn:aws:cloudtrail:eu-west-1:{ACCOUNT}:trail/ml-trail", "status": "fail",
             "reason": f"Trail ml-trail of account {ACCOUNT} (home region eu-west-1) has log file validation disabled, "
                       "so there is no digest to prove its log files were not altered or deleted.",
             "account_id": ACCOUNT, "trail_name": "ml-trail", "log_file_validation_enabled": False,
             "s3_bucket_name": "ml-artifacts-bucket-with-a-long-name-for-cloudtrail-logs-of-the-ml-platform"},
        ],
    )
    burst = CheckResult(
        check=check(BURST), status="fail",
        columns=["resource", "status", "reason", "account_id", "burst_start", "burst_end", "event_count",
                 "event_names", "session_names", "source_ips"],
        rows=[{
            "resource": LONG_ROLE, "status": "fail",
            "reason": f"{LONG_ROLE} (session evil{RLO}txt.exe) was denied 14 calls to ML services between "
                      "2026-10-17T03:02:00Z and 2026-10-17T03:16:00Z.",
            "account_id": ACCOUNT,
            "burst_start": datetime(2026, 10, 17, 3, 2, tzinfo=timezone.utc),
            "burst_end": datetime(2026, 10, 17, 3, 16, tzinfo=timezone.utc),
            "event_count": 14, "event_names": ["DescribeModelPackage", "ListModelPackages"],
            "session_names": [f"evil{RLO}txt.exe"], "source_ips": [f"{IMG} {SCRIPT}"],
        }],
    )
    production = CheckResult(
        check=check(PRODUCTION), status="error",
        message='BinderException: Binder Error: Referenced column "alias_name" not found in FROM clause!',
    )
    retention = CheckResult(
        check=check(RETENTION), status="no_data", message="source 'cloudwatch' unavailable: AccessDeniedException",
    )
    alias_changes = CheckResult(
        check=check(ALIAS_CHANGES), status="info",
        columns=["resource", "status", "reason", "model_name", "observed_after", "observed_before", "hours_between"],
        rows=[{"resource": "models:/fraud-scoring@production", "status": "info",
               "reason": f"Alias production of model fraud-scoring moved from version {v} to {v + 1}, observed "
                         "between two snapshots (MLflow records no actor or exact time); it carried an approval tag.",
               "model_name": "fraud-scoring", "observed_after": datetime(2026, 10, 5 + v, 6, 0),
               "observed_before": datetime(2026, 10, 6 + v, 6, 0), "hours_between": Decimal("24.5")}
              for v in range(3)],
    )
    root = CheckResult(check=check(ROOT), status="pass")
    versioning = CheckResult(
        check=check(VERSIONING), status="pass",
        columns=["resource", "status", "reason", "bucket", "versioning_status"],
        rows=[{"resource": f"ml-trail-logs-{i}", "status": "pass",
               "reason": f"Trail bucket ml-trail-logs-{i} has versioning enabled.", "bucket": f"ml-trail-logs-{i}",
               "versioning_status": "Enabled"} for i in range(5)],
    )
    sources = [
        SourceStatus("cloudtrail", "files", "ok", location="sample_data/cloudtrail", objects_read=1488,
                     objects_loaded=1480, objects_quarantined=3, objects_skipped=5, records_loaded=245_110,
                     records_quarantined=57, time_min=datetime(2026, 10, 1, 0, 0, 4),
                     time_max=datetime(2026, 10, 31, 23, 59, 41), tables=["cloudtrail_events", "cloudtrail_digests"]),
        SourceStatus("trails", "files", "ok", location="sample_data/aws", objects_read=3, objects_loaded=3,
                     records_loaded=2, time_min=datetime(2026, 11, 1, 2, 0), time_max=datetime(2026, 11, 1, 2, 0),
                     tables=["cloudtrail_trails"]),
        SourceStatus("sagemaker", "files", "ok", location="sample_data/aws", objects_read=52, objects_loaded=52,
                     records_loaded=52, tables=["sagemaker_model_packages", "sagemaker_deployments"]),
        SourceStatus("cloudwatch", "aws", "unavailable", location=f"aws://{ACCOUNT}/eu-west-1/logs",
                     detail="AccessDeniedException: User is not authorized to perform: logs:DescribeLogGroups"),
        SourceStatus("iam", "files", "ok", location="sample_data/aws", objects_read=1, objects_loaded=1,
                     records_loaded=37),
        SourceStatus("s3", "not_configured", "not_configured"),
        SourceStatus("mlflow", "files", "ok", location="sample_data/mlflow", objects_read=12, objects_loaded=12,
                     records_loaded=96, time_min=datetime(2026, 10, 1, 6, 0), time_max=datetime(2026, 10, 31, 6, 0)),
    ]
    quarantine = [
        {"source": "cloudtrail",
         "object_key": f"AWSLogs/{ACCOUNT}/CloudTrail/eu-west-1/2026/10/{1 + i % 28:02d}/"
                       f"{ACCOUNT}_CloudTrail_eu-west-1_20261001T0000Z_{i:04d}.json.gz",
         "record_index": None if i < 3 else i, "reason": "corrupt_gzip" if i < 3 else "missing_event_time",
         "detail": "Not a gzipped file (b'<h')" if i < 3 else f"record {i} has no eventTime {SCRIPT}",
         "raw_excerpt": "{...}", "quarantined_at": datetime(2026, 11, 1, 2, 0), "ingest_run_id": "run"}
        for i in range(60)
    ]
    inputs = [InputFile("cloudtrail", f"AWSLogs/{ACCOUNT}/CloudTrail/eu-west-1/2026/10/01/obj_{i:03d}.json.gz",
                        f"{i:064x}", 10_000 + i, records=100 + i) for i in range(30)]
    inputs.append(InputFile("cloudtrail", "AWSLogs/x/broken.json.gz", "f" * 64, 12, None, "quarantined"))
    return RunResult(
        run_id="20261101T020000Z-5f3a9c",
        tool_version="0.1.0",
        organisation="Example Corp ML Platform",
        period=Period(2026, 10),
        config_path="sample_data/auditreport.toml",
        config_sha256="9" * 64,
        started_at=datetime(2026, 11, 1, 2, 0, 0),
        finished_at=datetime(2026, 11, 1, 2, 3, 12),
        sources=sources,
        checks=[versioning, root, production, retention, alias_changes, burst, validation, unapproved],
        inputs=inputs,
        quarantine=quarantine,
        table_counts={"cloudtrail_events": 245_110, "quarantine": 60, "sagemaker_model_packages": 40},
        timings={"extract": 12.4, "load": 88.1, "check": 3.2},
        policy={"min_log_retention_days": 365, "approver_roles": ["arn:aws:iam::*:role/ml-approver"],
                "access_denied_threshold": 10},
        catalogue=cat,
    )
