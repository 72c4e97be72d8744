"""A realistic RunResult built by hand: failing, passing, no-data, error and info checks; hostile log text; long ARNs;
an unavailable and a not-configured source; quarantine entries; 40 evidence rows to exercise the cap."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from auditreport.checks.model import Check, CheckResult
from auditreport.period import Period
from auditreport.results import InputFile, RunResult, SourceStatus

ACCOUNT = "111122223333"
SCRIPT = "<script>alert(1)</script>"
LONG_ARN = (
    f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:model-package/"
    "fraud-detection-transaction-scoring-gradient-boosted-ensemble-production-candidate/17"
)
LONG_ROLE = f"arn:aws:sts::{ACCOUNT}:assumed-role/ml-pipeline-execution-role-with-a-very-long-name-for-testing/botocore-session-1760000000"
RLO = "\u202e"  # right-to-left override: can make 'exe.txt' read as 'txt.exe'


def make_check(check_id: str, title: str, severity: str, kind: str, frameworks: dict, requires: list[str],
               domain: str = "sagemaker") -> Check:
    sql = (
        f"/*---\nid: {check_id}\ntitle: {title}\nseverity: {severity}\nkind: {kind}\n"
        f"frameworks: {frameworks}\nrequires: {requires}\nparams: [period_start, period_end]\n"
        "description: >\n  What the check proves.\nremediation: >\n  What to do.\n---*/\n"
        "select e.endpoint_arn as resource,\n"
        "       case when p.approved_at is null or p.approved_at > e.deployed_at then 'fail' else 'pass' end as status,\n"
        "       'Endpoint ' || e.endpoint_name || ' serves ' || p.model_package_arn || ' which was not approved.' as reason\n"
        "from sagemaker_endpoints e join sagemaker_model_packages p using (model_package_arn)\n"
        "where e.deployed_at >= $period_start and e.deployed_at < $period_end;\n"
    )
    return Check(
        id=check_id, title=title, severity=severity, kind=kind, frameworks=frameworks, requires=requires,
        params=["period_start", "period_end"],
        description=f"Proves that {title.lower()} does not happen. An auditor cares because it is a control.",
        remediation="Roll the endpoint back to an approved model package and route approvals through the registry.",
        sql=sql, path=Path(f"queries/{domain}/{check_id}.sql"), domain=domain,
    )


def _deploy_rows() -> list[dict]:
    rows = []
    base = datetime(2026, 10, 2, 8, 0, 0)
    for i in range(40):
        failing = i % 3 == 1  # 13 failing rows, interleaved with passing ones
        endpoint = f"fraud-scoring-endpoint-{i:02d}"
        rows.append({
            "resource": f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:endpoint/{endpoint}",
            "status": "fail" if failing else "pass",
            "reason": (f"Endpoint {endpoint} was deployed with model package version {i} at "
                       f"{(base + timedelta(hours=i)).isoformat()}Z, before that version was approved."
                       if failing else f"Endpoint {endpoint} serves an approved model package version {i}."),
            "endpoint_name": endpoint if i != 4 else f"{endpoint}{SCRIPT}",
            "model_package_arn": LONG_ARN.replace("/17", f"/{i}"),
            "deployed_at": base + timedelta(hours=i),
            "approved_at": None if failing else base + timedelta(hours=i - 1),
            "approver_arn": None if failing else LONG_ROLE,
            "approval_lag_h": Decimal("1.5") if not failing else None,
        })
    return rows


def make_result() -> RunResult:
    soc2_iso = {"soc2": ["CC8.1"], "eu_ai_act": ["Art.14"], "iso42001": ["A.6.2.5"]}
    deploy = CheckResult(
        check=make_check("sagemaker_deployed_without_approval",
                         "A model package was deployed to an endpoint before it was approved", "critical", "posture",
                         soc2_iso, ["cloudtrail_events", "sagemaker_model_packages"]),
        status="fail",
        columns=["resource", "status", "reason", "endpoint_name", "model_package_arn", "deployed_at", "approved_at",
                 "approver_arn", "approval_lag_h"],
        rows=_deploy_rows(),
        duration_s=0.21,
    )
    validation = CheckResult(
        check=make_check("cloudtrail_log_file_validation", "CloudTrail log file validation is enabled on every trail",
                         "high", "posture", {"soc2": ["CC7.2"], "iso27001": ["A.8.15"], "eu_ai_act": ["Art.12"]},
                         ["cloudtrail_trails"], domain="cloudtrail"),
        status="fail",
        columns=["resource", "status", "reason", "trail_name", "log_file_validation_enabled", "event_selectors"],
        rows=[
            {"resource": f"arn:aws:cloudtrail:eu-west-1:{ACCOUNT}:trail/org-trail", "status": "pass",
             "reason": "Trail org-trail validates its log files.", "trail_name": "org-trail",
             "log_file_validation_enabled": True, "event_selectors": '[{"ReadWriteType":"All"}]'},
            {"resource": f"arn:aws:cloudtrail:eu-west-1:{ACCOUNT}:trail/ml-trail", "status": "fail",
             "reason": "Trail ml-trail does not validate its log files, so tampering with them cannot be detected.",
             "trail_name": "ml-trail", "log_file_validation_enabled": False,
             "event_selectors": '{"EventSelectors":[{"ReadWriteType":"All","IncludeManagementEvents":true,'
                                '"DataResources":[{"Type":"AWS::S3::Object","Values":["arn:aws:s3:::ml-artifacts-'
                                'bucket-with-a-long-name/models/"]}]}]}'},
        ],
    )
    burst = CheckResult(
        check=make_check("access_denied_burst", "A principal hit AccessDenied repeatedly within a short window",
                         "medium", "detection", {"soc2": ["CC7.2"], "nist_ai_rmf": ["MANAGE 4.1"]},
                         ["cloudtrail_events"], domain="cloudtrail"),
        status="fail",
        columns=["resource", "status", "reason", "session_name", "denied_count", "window_start", "user_agent"],
        rows=[{
            "resource": LONG_ROLE, "status": "fail",
            "reason": f"Principal {LONG_ROLE} was denied 14 times in 15 minutes.",
            "session_name": f"evil{RLO}txt.exe", "denied_count": 14,
            "window_start": datetime(2026, 10, 17, 3, 2, tzinfo=timezone.utc),
            "user_agent": f'<img src=x onerror="alert(2)"> {SCRIPT}',
        }],
    )
    retention = CheckResult(
        check=make_check("cloudwatch_ml_log_retention", "ML log groups keep logs for at least the minimum retention",
                         "medium", "posture", {"soc2": ["CC7.2"], "eu_ai_act": ["Art.12"]},
                         ["cloudwatch_log_groups"], domain="cloudwatch"),
        status="no_data",
        message="required table cloudwatch_log_groups has no rows: source 'cloudwatch' unavailable",
    )
    alias = CheckResult(
        check=make_check("mlflow_production_alias_without_approval",
                         "An MLflow production alias points to a version without an approval tag", "high", "posture",
                         {"eu_ai_act": ["Art.14"], "iso42001": ["A.6.2.5"]}, ["mlflow_model_versions"],
                         domain="mlflow"),
        status="error",
        message='Binder Error: Referenced column "alias_name" not found in FROM clause!',
    )
    changes = CheckResult(
        check=make_check("mlflow_registry_changes", "MLflow registry changes observed between snapshots", "info",
                         "detection", {"eu_ai_act": ["Art.12"]}, ["mlflow_registry_changes"], domain="mlflow"),
        status="info",
        columns=["resource", "status", "reason", "observed_after", "observed_before"],
        rows=[{"resource": f"models:/fraud-scoring/{v}", "status": "info",
               "reason": f"Alias 'production' moved to version {v}, observed between the two snapshots.",
               "observed_after": datetime(2026, 10, 5 + v, 6, 0), "observed_before": datetime(2026, 10, 6 + v, 6, 0)}
              for v in range(3)],
    )
    root = CheckResult(
        check=make_check("iam_root_access_key_used", "The root user's access keys were used", "critical", "detection",
                         {"soc2": ["CC6.1"], "iso27001": ["A.8.2"]}, ["cloudtrail_events"], domain="iam"),
        status="pass",
    )
    versioning = CheckResult(
        check=make_check("s3_model_bucket_versioning", "Model artifact buckets have versioning enabled", "low",
                         "posture", {"soc2": ["CC6.1"], "iso42001": ["A.7.5"]}, ["s3_buckets"], domain="s3"),
        status="pass",
        columns=["resource", "status", "reason", "versioning"],
        rows=[{"resource": f"arn:aws:s3:::ml-models-{i}", "status": "pass",
               "reason": f"Bucket ml-models-{i} has versioning enabled.", "versioning": "Enabled"} for i in range(5)],
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
                     records_loaded=52, tables=["sagemaker_model_packages", "sagemaker_endpoints"]),
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
        checks=[versioning, root, alias, retention, changes, burst, validation, deploy],
        inputs=inputs,
        quarantine=quarantine,
        table_counts={"cloudtrail_events": 245_110, "quarantine": 60, "sagemaker_model_packages": 40},
        timings={"extract": 12.4, "load": 88.1, "check": 3.2},
        policy={"min_log_retention_days": 365, "approver_roles": ["arn:aws:iam::*:role/ml-approver"],
                "access_denied_threshold": 10},
    )


def make_frameworks() -> dict:
    return {
        "soc2": {"id": "soc2", "name": "SOC 2 (2017 TSC)", "requirements": {
            "CC6.1": "Logical access security software, infrastructure and architectures.",
            "CC6.2": "Prior to issuing system credentials, the entity registers and authorises new users.",
            "CC7.2": "The entity monitors system components for anomalies.",
            "CC8.1": "The entity authorises, designs, develops, tests, approves and implements changes."}},
        "eu_ai_act": {"id": "eu_ai_act", "name": "EU AI Act", "requirements": {
            "Art.12": "Record-keeping: high-risk AI systems allow automatic recording of events (logs).",
            "Art.14": "Human oversight."}},
        "iso27001": {"id": "iso27001", "name": "ISO/IEC 27001:2022", "requirements": {
            "A.8.15": "Logging."}},  # A.8.2 is mapped by a check but missing here on purpose
        # iso42001 and nist_ai_rmf are mapped by checks but have no framework file here
    }
