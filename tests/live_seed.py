"""Seed the moto server with what a real ML platform's AWS accounts hold, through the AWS APIs."""

from __future__ import annotations

import gzip
import json
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from auditreport.config import Config
from auditreport.extract.base import ExtractContext
from auditreport.sources import SOURCES, _import
from auditreport.period import Period
from auditreport.raw import ObjectStream
from servers import moto_client

ACCOUNTS = ["111111111111", "222222222222"]
REGIONS = ["eu-west-1", "us-east-1"]
ORG = "o-abcdefghij"
ROLE_PATTERN = "arn:aws:iam::{account}:role/AuditReportReader"
PERIOD = Period(2026, 10)
TRAIL_BUCKET = "org-trail-logs"
TRAIL_PREFIX = "cloudtrail/"
# days with objects: the period's edges, a middle day, and one day either side (read: the ± 1 day margin)
IN_DAYS = [date(2026, 9, 30), date(2026, 10, 1), date(2026, 10, 15), date(2026, 10, 31), date(2026, 11, 1)]
OUT_DAYS = [date(2026, 8, 15), date(2026, 9, 28), date(2026, 9, 29), date(2026, 11, 2), date(2026, 12, 1)]


def make_config(moto_url: str, sources: dict, **aws) -> Config:
    aws_cfg = {"endpoint_url": moto_url, "max_attempts": 2, "max_concurrency": 4, **aws}
    return Config.model_validate({"organisation": "Test", "sources": sources, "aws": aws_cfg})


def make_ctx(raw_dir: Path, run_id: str = "run-1", period: Period = PERIOD, **kw) -> ExtractContext:
    return ExtractContext(period=period, raw_dir=raw_dir, run_id=run_id, **kw)


def extractor(config: Config, source: str, **kw):
    """The live extractor of ``source`` as a run builds it: from the source's own settings (borrowed values filled
    in by its record) and the [aws] section. ``kw`` goes to the extractor (the MLflow one takes env and page_size)."""
    record = SOURCES[source]
    settings = record.settings_for(config)
    if kw:
        return _import(record.kinds[settings.kind].extractor)(settings, **kw)
    return _Drained(record.extractor(settings, config.aws))


class _Drained:
    """An extractor whose ``extract`` reads every object it hands over before returning (as the loader does in a
    run), in key order: the CloudTrail extractor hands its objects over as they arrive (an ObjectStream), and its
    error lines are complete once the last one has been read."""

    def __init__(self, inner):
        self.inner = inner

    def extract(self, ctx):
        raw = self.inner.extract(ctx)
        if isinstance(raw.objects, ObjectStream):
            raw.objects = sorted(raw.objects, key=lambda o: o.key)
        return raw


# -- CloudTrail objects -----------------------------------------------------------------------------------------


def cloudtrail_record(account: str, region: str, when: datetime, name: str = "DescribeEndpoint") -> dict:
    return {
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "AssumedRole", "principalId": "AROAEXAMPLE:alice",
            "arn": f"arn:aws:sts::{account}:assumed-role/ml-engineer/alice", "accountId": account,
            "sessionContext": {"sessionIssuer": {"type": "Role", "arn": f"arn:aws:iam::{account}:role/ml-engineer",
                                                 "accountId": account, "userName": "ml-engineer"}},
        },
        "eventTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventSource": "sagemaker.amazonaws.com",
        "eventName": name,
        "awsRegion": region,
        "sourceIPAddress": "192.0.2.10",
        "userAgent": "aws-cli/2.15",
        "requestParameters": {"endpointName": "fraud-prod"},
        "responseElements": None,
        "requestID": f"req-{account}-{region}-{when:%Y%m%d%H%M}",
        "eventID": f"evt-{account}-{region}-{when:%Y%m%d%H%M}",
        "readOnly": True,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": account,
        "eventCategory": "Management",
    }


def log_key(root: str, account: str, region: str, day: date, minute: int = 5) -> str:
    stamp = f"{day:%Y%m%d}T00{minute:02d}Z"
    return (f"{root}{account}/CloudTrail/{region}/{day:%Y/%m/%d}/"
            f"{account}_CloudTrail_{region}_{stamp}_{account[-4:]}{region[-1]}{day:%d}x.json.gz")


def digest_key(root: str, account: str, region: str, day: date) -> str:
    return (f"{root}{account}/CloudTrail-Digest/{region}/{day:%Y/%m/%d}/"
            f"{account}_CloudTrail-Digest_{region}_org-trail_{region}_{day:%Y%m%d}T010000Z.json.gz")


def gz_json(body) -> bytes:
    return gzip.compress(json.dumps(body).encode(), mtime=0)


def seed_trail_bucket(s3, bucket: str = TRAIL_BUCKET, prefix: str = TRAIL_PREFIX, org: str | None = None,
                      accounts=ACCOUNTS, regions=REGIONS, create: bool = True) -> dict[str, set[str]]:
    """CloudTrail logs and digests in the AWS key layout. Returns the keys (below ``prefix``) that the period
    covers, by kind, and the keys that lie outside it."""
    if create:
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    root = f"AWSLogs/{org}/" if org else "AWSLogs/"
    keys = {"log": set(), "digest": set(), "outside": set()}
    for account in accounts:
        for region in regions:
            for day in IN_DAYS + OUT_DAYS:
                when = datetime.combine(day, datetime.min.time()).replace(hour=0, minute=3)
                records = [cloudtrail_record(account, region, when),
                           cloudtrail_record(account, region, when + timedelta(seconds=30), "ListModelPackages")]
                key = log_key(root, account, region, day)
                s3.put_object(Bucket=bucket, Key=prefix + key, Body=gz_json({"Records": records}))
                keys["log" if day in IN_DAYS else "outside"].add(key)
            for day in (date(2026, 10, 1), date(2026, 10, 15), date(2026, 11, 5)):
                key = digest_key(root, account, region, day)
                s3.put_object(Bucket=bucket, Key=prefix + key, Body=gz_json({
                    "awsAccountId": account,
                    "digestStartTime": f"{day:%Y-%m-%d}T00:00:00Z", "digestEndTime": f"{day:%Y-%m-%d}T01:00:00Z",
                    "digestS3Bucket": bucket, "digestS3Object": prefix + key,
                    "previousDigestSignature": None, "previousDigestS3Object": None,
                    "logFiles": [{"s3Bucket": bucket, "s3Object": prefix + log_key(root, account, region, day),
                                  "hashValue": "00", "hashAlgorithm": "SHA-256"}],
                }))
                keys["digest" if day != date(2026, 11, 5) else "outside"].add(key)
    # things that are not CloudTrail objects of the period and must never be listed
    s3.put_object(Bucket=bucket, Key=prefix + "AWSLogs/ConfigWritabilityCheckFile", Body=b"")
    s3.put_object(Bucket=bucket, Key="unrelated/huge-dataset.parquet", Body=b"x" * 1024)
    return keys


# -- API resources ----------------------------------------------------------------------------------------------

IMAGE = "763104351884.dkr.ecr.eu-west-1.amazonaws.com/xgboost:1.7"


def seed_sagemaker(sm, account: str, region: str) -> dict:
    """A training job; a model package group with an approved, a rejected and a pending version (generated by the
    job), a model built from the approved package, an endpoint config and an endpoint serving it; a second endpoint
    whose config was deleted."""
    group = "fraud-detector"
    sm.create_model_package_group(ModelPackageGroupName=group, ModelPackageGroupDescription="fraud models")
    spec = {"Containers": [{"Image": IMAGE, "ModelDataUrl": f"s3://ml-artifacts-{account}/fraud/model.tar.gz"}],
            "SupportedContentTypes": ["text/csv"], "SupportedResponseMIMETypes": ["text/csv"]}
    arns = {}
    role = f"arn:aws:iam::{account}:role/sagemaker-execution"
    job = sm.create_training_job(  # the job the packages name (GeneratedBy); moto dates it now, not in the period
        TrainingJobName="fraud-train-1", RoleArn=role,
        AlgorithmSpecification={"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        InputDataConfig=[{"ChannelName": "train", "DataSource": {"S3DataSource": {
            "S3DataType": "S3Prefix", "S3Uri": f"s3://ml-datasets-{account}/fraud/train/"}}}],
        OutputDataConfig={"S3OutputPath": f"s3://ml-artifacts-{account}/training"},
        ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30},
        StoppingCondition={"MaxRuntimeInSeconds": 3600})["TrainingJobArn"]  # fmt: skip
    for status in ("Approved", "Rejected", "PendingManualApproval"):
        arns[status] = sm.create_model_package(
            ModelPackageGroupName=group, ModelApprovalStatus=status, InferenceSpecification=spec,
            CustomerMetadataProperties={"ticket": f"ML-{status[:3]}"}, MetadataProperties={"GeneratedBy": job},
        )["ModelPackageArn"]
    sm.create_model(ModelName="fraud-model-v1", ExecutionRoleArn=role,
                    Containers=[{"ModelPackageName": arns["Approved"]}])
    sm.create_model(ModelName="scratch-model", ExecutionRoleArn=role,
                    PrimaryContainer={"Image": IMAGE, "ModelDataUrl": "s3://scratch/model.tar.gz"})
    variant = {"VariantName": "AllTraffic", "ModelName": "fraud-model-v1", "InitialInstanceCount": 1,
               "InstanceType": "ml.m5.large"}
    sm.create_endpoint_config(EndpointConfigName="fraud-config-1", ProductionVariants=[variant])
    sm.create_endpoint(EndpointName="fraud-prod", EndpointConfigName="fraud-config-1")
    sm.create_endpoint_config(EndpointConfigName="scratch-config", ProductionVariants=[
        {**variant, "ModelName": "scratch-model"}])
    sm.create_endpoint(EndpointName="scratch-endpoint", EndpointConfigName="scratch-config")
    sm.delete_endpoint_config(EndpointConfigName="scratch-config")  # allowed by AWS while the endpoint runs
    return arns


def seed_trails(ct: dict, account: str) -> None:
    """A multi-region trail homed in eu-west-1 with advanced selectors, and a single-region trail in us-east-1."""
    ct_us = ct["us-east-1"]
    ct_eu = ct["eu-west-1"]
    ct_eu.create_trail(Name="org-trail", S3BucketName=TRAIL_BUCKET, IsMultiRegionTrail=True,
                       EnableLogFileValidation=True, IncludeGlobalServiceEvents=True)
    ct_eu.start_logging(Name="org-trail")
    ct_eu.put_event_selectors(TrailName="org-trail", AdvancedEventSelectors=[
        {"Name": "management", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}])
    ct_us.create_trail(Name="local-trail", S3BucketName=TRAIL_BUCKET)
    ct_us.put_event_selectors(TrailName="local-trail", EventSelectors=[
        {"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}])


def seed_logs(logs) -> dict[str, list[int]]:
    """ML log groups with and without retention, a non-ML group, and events around the period's edges."""
    logs.create_log_group(logGroupName="/aws/sagemaker/Endpoints/fraud-prod")
    logs.put_retention_policy(logGroupName="/aws/sagemaker/Endpoints/fraud-prod", retentionInDays=400)
    logs.create_log_group(logGroupName="/ml/training")  # no retention: never expires
    logs.create_log_group(logGroupName="/app/web")  # not an ML group: not captured
    start = int(datetime(2026, 10, 1, tzinfo=timezone.utc).timestamp() * 1000)
    end = int(datetime(2026, 11, 1, tzinfo=timezone.utc).timestamp() * 1000)
    stamps = {"in": [start, start + 3_600_000, end - 1], "out": [start - 1, end, end + 86_400_000]}
    logs.create_log_stream(logGroupName="/ml/training", logStreamName="job-1")
    logs.put_log_events(logGroupName="/ml/training", logStreamName="job-1", logEvents=[
        {"timestamp": t, "message": f"event at {t}"} for t in sorted(stamps["in"] + stamps["out"])])
    return stamps


def seed_eks(eks) -> None:
    """Two clusters: one serving models with api and audit logs on and a private endpoint, one with logging off."""
    vpc = {"subnetIds": ["subnet-0a1b2c3d"], "endpointPublicAccess": False, "endpointPrivateAccess": True}
    role = "arn:aws:iam::123456789012:role/eks-cluster"
    eks.create_cluster(name="ml-serving", version="1.30", roleArn=role, resourcesVpcConfig=vpc, logging={
        "clusterLogging": [{"types": ["api", "audit"], "enabled": True},
                           {"types": ["authenticator", "controllerManager", "scheduler"], "enabled": False}]})
    eks.create_cluster(name="sandbox", version="1.29", roleArn=role, resourcesVpcConfig={"subnetIds": ["subnet-1"]},
                       logging={"clusterLogging": [{"types": ["api", "audit", "authenticator"], "enabled": False}]})


def seed_iam(iam, account: str) -> None:
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                     "Principal": {"Service": "sagemaker.amazonaws.com"}}]}
    iam.create_role(RoleName="ml-training", AssumeRolePolicyDocument=json.dumps(trust))
    iam.put_role_policy(RoleName="ml-training", PolicyName="inline-s3", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
    arn = iam.create_policy(PolicyName="ml-registry-write", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Sid": "Registry", "Effect": "Allow",
                       "Action": ["sagemaker:CreateModelPackage", "sagemaker:UpdateModelPackage"],
                       "Resource": "*"}]}))["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="ml-training", PolicyArn=arn)
    iam.create_group(GroupName="ml-approvers")
    iam.create_user(UserName="carol")
    iam.add_user_to_group(GroupName="ml-approvers", UserName="carol")


def seed_buckets(s3) -> list[str]:
    """Versioning enabled + lifecycle; versioning suspended and nothing else; object lock + public access block."""
    s3.create_bucket(Bucket="ml-datasets", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    s3.put_bucket_versioning(Bucket="ml-datasets", VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_lifecycle_configuration(Bucket="ml-datasets", LifecycleConfiguration={"Rules": [
        {"ID": "expire-old", "Status": "Enabled", "Filter": {"Prefix": "tmp/"}, "Expiration": {"Days": 30}}]})
    s3.create_bucket(Bucket="ml-scratch", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    s3.put_bucket_versioning(Bucket="ml-scratch", VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_versioning(Bucket="ml-scratch", VersioningConfiguration={"Status": "Suspended"})
    s3.create_bucket(Bucket="ml-audit-locked", ObjectLockEnabledForBucket=True,
                     CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    s3.put_object_lock_configuration(Bucket="ml-audit-locked", ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Years": 7}}})
    s3.put_public_access_block(Bucket="ml-audit-locked", PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    return ["ml-datasets", "ml-scratch", "ml-audit-locked"]


def seed_everything(url: str) -> dict:
    """The full estate of the end-to-end tests: 2 accounts x 2 regions, reached through assumed roles."""
    out = {}
    s3 = {a: moto_client(url, "s3", "eu-west-1", a) for a in ACCOUNTS}
    out["trail_keys"] = seed_trail_bucket(s3[ACCOUNTS[0]], org=ORG)
    for a in ACCOUNTS:
        for r in REGIONS:
            out[(a, r, "packages")] = seed_sagemaker(moto_client(url, "sagemaker", r, a), a, r)
            out[(a, r, "log_stamps")] = seed_logs(moto_client(url, "logs", r, a))
            seed_eks(moto_client(url, "eks", r, a))
        seed_trails({r: moto_client(url, "cloudtrail", r, a) for r in REGIONS}, a)
        seed_iam(moto_client(url, "iam", "us-east-1", a), a)
    out["buckets"] = seed_buckets(s3[ACCOUNTS[1]])
    return out


# moto 5.x does not implement ListMonitoringSchedules: it answers HTTP 500, so every live SageMaker scope names that
# call in one error line (tests/extract/test_sagemaker_lineage.py holds it). Tests about other things leave it out.
# calls moto's server does not implement (it answers HTTP 500): SageMaker ListMonitoringSchedules, CloudTrail
# ListPublicKeys. The extractors name each in one error line; their paths are proven from files instead.
MOTO_UNIMPLEMENTED = ("ListMonitoringSchedules: 500", "ListPublicKeys: 500")


# The seeded trail buckets hold CloudTrail logs of a few days of the month, not of every day: the cloudtrail source
# names the days without a record ("no record on 25 of 31 days of 2026-10: ...") and is partial. Tests about other
# things leave that out too.
SEEDED_DAYS_GAP = "no record on "


def _moto_gap(line: str) -> bool:
    return any(m in line for m in MOTO_UNIMPLEMENTED) or SEEDED_DAYS_GAP in line


def without_moto_gaps(errors: list[str]) -> list[str]:
    """``errors`` less the lines of the calls moto does not implement."""
    return [e for e in errors if not _moto_gap(e)]


def only_moto_gaps(reasons: list[str]) -> bool:
    """Every line of ``reasons`` (a result's incomplete_reasons, or error lines) is about a call moto does not
    implement, and nothing else: a source detail joins up to three lines with "; "."""
    return all(_moto_gap(part) for r in reasons for part in r.split("; "))


def read_json(path: Path):
    return json.loads(Path(path).read_text())


def wait_for_next_second() -> None:
    time.sleep(1.0 - (time.time() % 1.0) + 0.01)


def multi_account_config(moto_url: str, sources: dict, **aws) -> Config:
    """A configuration that reads ACCOUNTS x REGIONS through the ROLE_PATTERN role, as a real estate is read."""
    return make_config(moto_url, sources, accounts=ACCOUNTS, regions=REGIONS, role_arn=ROLE_PATTERN, **aws)
