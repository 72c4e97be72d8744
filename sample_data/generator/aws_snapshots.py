"""AWS API snapshots captured 2026-11-01T02:00Z, in the canonical layout of docs/architecture.md.

``aws/<account>/<region|global>/<service>/<Operation>[/<quoted id>].json``. This module writes the capture marker,
CloudTrail (trails, status, event selectors) and S3 (the trail and datasets buckets); SageMaker, CloudWatch Logs and
IAM come from the mixins in ``aws_sagemaker``, ``aws_logs`` and ``aws_iam``, which use ``rng`` and ``put`` from here.
"""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

from .aws_eks import EksSnapshot
from .aws_iam import IamSnapshot
from .aws_log_buckets import LogBucketsSnapshot
from .aws_logs import LogsSnapshot
from .aws_sagemaker import SageMakerSnapshot
from .formats import T, iso_api, iso_z
from .ids import kms_key_arn, role_arn
from .org import (ACCOUNTS, CAPTURED_AT, DATASETS_BUCKET, DEV, HOME_REGION, PROD, REGIONS, START_LOGGING_AT,
                  STOP_LOGGING_AT, TRAIL)
from .writer import q, write_api


class AwsSnapshot(SageMakerSnapshot, LogsSnapshot, IamSnapshot, EksSnapshot, LogBucketsSnapshot):
    """The AWS API responses of both accounts, written below ``out`` in the canonical layout."""

    def __init__(self, seed: int, out: Path):
        self.seed, self.out = seed, out

    def rng(self, name):
        return random.Random(f"{self.seed}:aws:{name}")

    def put(self, account, region, service, op, body, ident=None):
        path = self.out / account / region / service / (f"{op}.json" if ident is None else f"{op}/{q(ident)}.json")
        write_api(path, body)

    def write(self):
        write_api(self.out / "_capture.json", {"captured_at": iso_api(CAPTURED_AT)})
        self.trails()
        self.sagemaker()
        self.logs()
        self.eks()
        for account in ACCOUNTS:
            self.iam(account)
        self.s3()
        self.log_buckets()

    # --- cloudtrail ---------------------------------------------------------------------------------------------------

    def trails(self):
        rng = self.rng("trails")
        for account in ACCOUNTS:
            tr = TRAIL[account]
            arn = f"arn:aws:cloudtrail:{HOME_REGION}:{account}:trail/{tr['name']}"
            trail = {"Name": tr["name"], "S3BucketName": tr["bucket"], "IncludeGlobalServiceEvents": True,
                     "IsMultiRegionTrail": True, "HomeRegion": HOME_REGION, "TrailARN": arn,
                     "LogFileValidationEnabled": tr["validation"], "HasCustomEventSelectors": account == PROD,
                     "HasInsightSelectors": False, "IsOrganizationTrail": False}
            if account == PROD:
                trail["CloudWatchLogsLogGroupArn"] = (f"arn:aws:logs:{HOME_REGION}:{account}:log-group:"
                                                      f"/aws/cloudtrail/{tr['name']}:*")
                trail["CloudWatchLogsRoleArn"] = role_arn(account, "cloudtrail-to-cloudwatch")
                trail["KmsKeyId"] = kms_key_arn(account)
            latest = CAPTURED_AT - timedelta(minutes=rng.randint(2, 9), seconds=rng.randint(0, 59))
            if account == PROD:
                started, stopped = T("2024-02-12T09:30:11"), None
            else:
                started, stopped = START_LOGGING_AT, STOP_LOGGING_AT
            status = {"IsLogging": True, "LatestDeliveryTime": iso_api(latest), "StartLoggingTime": iso_api(started)}
            if stopped:
                status["StopLoggingTime"] = iso_api(stopped)
            if account == PROD:
                status["LatestCloudWatchLogsDeliveryTime"] = iso_api(latest + timedelta(seconds=41))
                status["LatestDigestDeliveryTime"] = iso_api(CAPTURED_AT - timedelta(minutes=rng.randint(10, 50)))
            status.update({"LatestDeliveryAttemptTime": iso_z(latest), "LatestNotificationAttemptTime": "",
                           "LatestNotificationAttemptSucceeded": "", "LatestDeliveryAttemptSucceeded": iso_z(latest),
                           "TimeLoggingStarted": iso_z(started), "TimeLoggingStopped": iso_z(stopped) if stopped else ""})
            if account == PROD:
                selectors = {"TrailARN": arn, "AdvancedEventSelectors": [
                    {"Name": "Management events selector",
                     "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]},
                    {"Name": "S3 data events on the ML datasets bucket",
                     "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]},
                                        {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                                        {"Field": "resources.ARN", "StartsWith": [f"arn:aws:s3:::{DATASETS_BUCKET}/"]}]},
                    {"Name": "S3 reads of the trail's own log files",  # trail_log_object_reads
                     "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]},
                                        {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                                        {"Field": "readOnly", "Equals": ["true"]},
                                        {"Field": "resources.ARN", "StartsWith": [f"arn:aws:s3:::{tr['bucket']}/"]}]}]}
            else:
                selectors = {"TrailARN": arn, "EventSelectors": [
                    {"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": [],
                     "ExcludeManagementEventSources": []}]}
            for region in REGIONS:
                self.put(account, region, "cloudtrail", "DescribeTrails", {"trailList": [trail]})
                self.put(account, region, "cloudtrail", "GetTrailStatus", status, tr["name"])
                self.put(account, region, "cloudtrail", "GetEventSelectors", selectors, tr["name"])

    # --- s3 --------------------------------------------------------------------------------------------------------

    def s3(self):
        pab = {"PublicAccessBlockConfiguration": {"BlockPublicAcls": True, "IgnorePublicAcls": True,
                                                  "BlockPublicPolicy": True, "RestrictPublicBuckets": True}}
        no_lock = {"Error": {"Code": "ObjectLockConfigurationNotFoundError",
                             "Message": "Object Lock configuration does not exist for this bucket"}}
        buckets = {
            (PROD, "northwind-cloudtrail-logs"): dict(
                versioning={"Status": "Enabled", "MFADelete": "Disabled"},
                lock={"ObjectLockConfiguration": {"ObjectLockEnabled": "Enabled", "Rule": {
                    "DefaultRetention": {"Mode": "GOVERNANCE", "Days": 400}}}},
                lifecycle={"Rules": [{"Expiration": {"Days": 2557}, "ID": "retain-7-years",
                                      "Filter": {"Prefix": "AWSLogs/"}, "Status": "Enabled",
                                      "Transitions": [{"Days": 90, "StorageClass": "GLACIER_IR"},
                                                      {"Days": 400, "StorageClass": "DEEP_ARCHIVE"}],
                                      "NoncurrentVersionExpiration": {"NoncurrentDays": 400}}]}),
            (PROD, DATASETS_BUCKET): dict(
                versioning={"Status": "Enabled", "MFADelete": "Disabled"}, lock=no_lock,
                lifecycle={"Rules": [{"ID": "expire-old-versions", "Filter": {}, "Status": "Enabled",
                                      "NoncurrentVersionExpiration": {"NoncurrentDays": 90}},
                                     {"ID": "abort-incomplete-uploads", "Filter": {}, "Status": "Enabled",
                                      "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}}]}),
            (DEV, "northwind-dev-trail"): dict(
                versioning={"Status": "Suspended", "MFADelete": "Disabled"}, lock=no_lock,
                lifecycle={"Rules": [{"ID": "cost-saving-eu-west-1", "Status": "Enabled", "Expiration": {"Days": 90},
                                      "Filter": {"Prefix": f"AWSLogs/{DEV}/CloudTrail/eu-west-1/"}}]}),  # P-LIFECYCLE
        }
        for (account, bucket), s in buckets.items():
            self.put(account, "global", "s3", "GetBucketVersioning", s["versioning"], bucket)
            self.put(account, "global", "s3", "GetObjectLockConfiguration", s["lock"], bucket)
            self.put(account, "global", "s3", "GetBucketLifecycleConfiguration", s["lifecycle"], bucket)
            self.put(account, "global", "s3", "GetPublicAccessBlock", pab, bucket)
