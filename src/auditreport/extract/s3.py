"""S3 bucket settings: versioning, object lock, lifecycle, public access block, bucket policy, and the oldest
CloudTrail log object under each trail prefix of the bucket (source ``s3``)."""

from __future__ import annotations

from ..errors import SourceError
from ..raw import GLOBAL_REGION
from ..source_settings import parse_s3_uri
from .aws_session import AWS_ERRORS, AwsSessions, error_code, error_line
from .aws_snapshot import AwsSnapshotExtractor, SnapshotRun, error_body, paginate
from .probe import Probe
from .s3_log_listing import oldest_log_objects

# "not configured" answers: evidence of a missing setting, stored as an Error body
_S3_NOT_CONFIGURED = {
    "GetObjectLockConfiguration": {"ObjectLockConfigurationNotFoundError"},
    "GetBucketLifecycleConfiguration": {"NoSuchLifecycleConfiguration"},
    "GetPublicAccessBlock": {"NoSuchPublicAccessBlockConfiguration"},
    "GetBucketPolicy": {"NoSuchBucketPolicy"},
}


class S3SettingsExtractor(AwsSnapshotExtractor):
    """Versioning, object lock, lifecycle, public access block and policy of the configured buckets (the source
    record adds the trail bucket when ``sources.cloudtrail`` reads one), and the oldest
    CloudTrail log object per account and region below ``AWSLogs/`` (``ListObjectsV2``, see ``s3_log_listing``). Each bucket is read with the credentials of the account that owns it,
    found with ListBuckets in each account; a bucket no account owns is an error line."""

    name = "s3"
    service = "s3"
    global_scope = True
    probe_call = Probe("s3", "ListBuckets")

    def scope_accounts(self, sessions: AwsSessions) -> list[str]:
        """Plus ``bucket_accounts`` (a log-archive account is often not among the audited ones)."""
        accounts = sessions.accounts()
        return accounts + [a for a in dict.fromkeys(self.settings.bucket_accounts) if a not in accounts]

    def buckets(self, run: SnapshotRun) -> list[str]:
        return list(dict.fromkeys(run.settings.buckets))

    def key_prefixes(self, run: SnapshotRun, bucket: str) -> list[str]:
        """Where ``AWSLogs/`` may sit in ``bucket``: its root, and the prefix of each ``log_uris`` entry naming it."""
        prefixes = [""]
        for uri in run.settings.log_uris:
            b, prefix = parse_s3_uri(uri)
            if b == bucket:
                prefixes.append(prefix)
        return list(dict.fromkeys(prefixes))

    def prepare(self, run: SnapshotRun) -> None:
        wanted = self.buckets(run)
        if not wanted:
            raise SourceError(self.name, "no bucket to read: set sources.s3.buckets")
        run.shared.update(wanted=wanted, captured=set(), failed=set())

    def capture(self, run: SnapshotRun, account: str, region: str, notes: list[str]) -> None:
        s3 = run.sessions.client("s3", account, region)
        owned: set[str] = set()
        for page in paginate(s3, "list_buckets"):
            owned |= {b["Name"] for b in page.get("Buckets", [])}
        for bucket in run.shared["wanted"]:
            if bucket not in owned:
                continue
            try:
                self.capture_bucket(run, s3, account, bucket)
            except AWS_ERRORS as e:
                notes.append(f"bucket {bucket}: " + error_line(e, account, region))
                with run.lock:
                    run.shared["failed"].add(bucket)
                continue
            with run.lock:
                run.shared["captured"].add(bucket)

    def capture_bucket(self, run: SnapshotRun, s3, account: str, bucket: str) -> None:
        calls = (
            ("GetBucketVersioning", s3.get_bucket_versioning),
            ("GetObjectLockConfiguration", s3.get_object_lock_configuration),
            ("GetBucketLifecycleConfiguration", s3.get_bucket_lifecycle_configuration),
            ("GetPublicAccessBlock", s3.get_public_access_block),
            ("GetBucketPolicy", s3.get_bucket_policy),
        )
        bodies = {}
        for operation, call in calls:
            try:
                bodies[operation] = call(Bucket=bucket)
            except AWS_ERRORS as e:
                if error_code(e) not in _S3_NOT_CONFIGURED.get(operation, ()):
                    raise
                bodies[operation] = error_body(e)
        bodies["ListObjectsV2"] = oldest_log_objects(s3, bucket, self.key_prefixes(run, bucket))
        for operation, body in bodies.items():  # all or none: half a bucket reads like "not configured"
            run.write(account, GLOBAL_REGION, "s3", operation, body, ident=bucket)

    def finish(self, run: SnapshotRun) -> list[str]:
        wanted, captured, failed = run.shared["wanted"], run.shared["captured"], run.shared["failed"]
        missing = [b for b in wanted if b not in captured and b not in failed]
        lines = [f"bucket {b}: owned by none of the accounts read (ListBuckets); add its account to [aws].accounts"
                 for b in missing]
        if not captured:
            raise SourceError(self.name, "no bucket could be read: " + "; ".join(lines or sorted(failed)))
        return lines
