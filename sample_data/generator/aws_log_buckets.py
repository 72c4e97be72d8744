"""AWS API snapshots: the trail buckets' policies (GetBucketPolicy) and their oldest CloudTrail objects
(ListObjectsV2 with MaxKeys=1 per account/region prefix), in the layout ``extract/s3.py`` writes.

P-POLICY-READ: the dev trail bucket's policy lets the ``ml-engineer`` role read its log files. Clean: the prod trail
bucket's policy grants CloudTrail, the ``security-audit`` role (an audit reader) and a Deny of plain HTTP.
P-RETENTION-GONE: the dev trail bucket holds ``eu-west-1`` log files only from 2026-08-03 (its lifecycle rule,
P-LIFECYCLE, expires them after 90 days) while its ``us-east-1`` files go back to 2025-06-02, when the trail was
created. Clean: the prod bucket keeps everything since the prod trail started, 2024-02-12, in both regions.
"""

from __future__ import annotations

import json

from .ids import rand_hex
from .org import DATASETS_BUCKET, DEV, EU, HOME_REGION, PROD, TRAIL, US

# (account, region) -> day and time of the oldest log file still in the trail bucket
OLDEST_LOG = {
    (PROD, EU): ("2024-02-12", "0935"), (PROD, US): ("2024-02-12", "0940"),
    (DEV, EU): ("2026-08-03", "0012"), (DEV, US): ("2025-06-02", "1418"),
}


class LogBucketsSnapshot:
    """Mixin of ``AwsSnapshot``: bucket policies and the oldest objects of the trail buckets."""

    def log_buckets(self):
        rng = self.rng("log-buckets")
        policies = {PROD: self._trail_policy(PROD, [{
            "Sid": "SecurityAuditRead", "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{PROD}:role/security-audit"}, "Action": ["s3:GetObject", "s3:ListBucket"],
            "Resource": [f"arn:aws:s3:::{TRAIL[PROD]['bucket']}", f"arn:aws:s3:::{TRAIL[PROD]['bucket']}/*"]}, {
            "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [f"arn:aws:s3:::{TRAIL[PROD]['bucket']}", f"arn:aws:s3:::{TRAIL[PROD]['bucket']}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]),
            DEV: self._trail_policy(DEV, [{  # P-POLICY-READ
                "Sid": "EngineersReadLogs", "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{DEV}:role/ml-engineer"}, "Action": ["s3:GetObject", "s3:ListBucket"],
                "Resource": [f"arn:aws:s3:::{TRAIL[DEV]['bucket']}", f"arn:aws:s3:::{TRAIL[DEV]['bucket']}/*"]}])}
        for account, policy in policies.items():
            bucket = TRAIL[account]["bucket"]
            self.put(account, "global", "s3", "GetBucketPolicy", {"Policy": json.dumps(policy)}, bucket)
            self.put(account, "global", "s3", "ListObjectsV2", {"Listings": self._listings(rng, account)}, bucket)
        self.put(PROD, "global", "s3", "GetBucketPolicy", {"Error": {
            "Code": "NoSuchBucketPolicy", "Message": "The bucket policy does not exist"}}, DATASETS_BUCKET)
        self.put(PROD, "global", "s3", "ListObjectsV2", {"Listings": []}, DATASETS_BUCKET)

    def _trail_policy(self, account, extra):
        bucket, trail = TRAIL[account]["bucket"], TRAIL[account]["name"]
        source = {"aws:SourceArn": f"arn:aws:cloudtrail:{HOME_REGION}:{account}:trail/{trail}"}
        return {"Version": "2012-10-17", "Statement": [
            {"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": "s3:GetBucketAcl", "Resource": f"arn:aws:s3:::{bucket}", "Condition": {"StringEquals": source}},
            {"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/AWSLogs/{account}/*",
             "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", **source}}},
            *extra]}

    def _listings(self, rng, account):
        out = []
        kinds = ["CloudTrail", "CloudTrail-Digest"] if TRAIL[account]["validation"] else ["CloudTrail"]
        for kind in kinds:
            for region in (EU, US):
                day, hhmm = OLDEST_LOG[(account, region)]
                prefix = f"AWSLogs/{account}/{kind}/{region}/"
                stamp = day.replace("-", "")
                if kind == "CloudTrail":
                    name = f"{account}_CloudTrail_{region}_{stamp}T{hhmm}Z_{rand_hex(rng, 16).upper()}.json.gz"
                    modified = f"{day}T{hhmm[:2]}:{int(hhmm[2:]) + 4:02d}:{rng.randint(0, 59):02d}+00:00"
                else:
                    name = (f"{account}_CloudTrail-Digest_{region}_{TRAIL[account]['name']}_{HOME_REGION}_"
                            f"{stamp}T103000Z.json.gz")
                    modified = f"{day}T10:3{rng.randint(0, 9)}:{rng.randint(0, 59):02d}+00:00"
                storage = "DEEP_ARCHIVE" if account == PROD else "STANDARD"  # the prod rule archives after 400 days
                out.append({"Prefix": prefix, "KeyCount": 1, "MaxKeys": 1, "Contents": [{
                    "Key": f"{prefix}{day.replace('-', '/')}/{name}", "LastModified": modified,
                    "ETag": f'"{rand_hex(rng, 32)}"', "Size": rng.randint(1_500, 40_000), "StorageClass": storage}]})
        return out
