"""S3 bucket settings (with the bucket policy) and the oldest CloudTrail objects of the buckets (source ``s3``)."""

from __future__ import annotations

from ..schema import Table

TABLES = [
    Table(
        name="s3_bucket_settings",
        source="s3",
        description="Settings of the configured buckets (trail bucket, dataset buckets).",
        columns=[
            ("account_id", "VARCHAR"),
            ("bucket", "VARCHAR"),
            ("versioning_status", "VARCHAR"),  # Enabled | Suspended | null (never enabled)
            ("mfa_delete", "VARCHAR"),
            ("object_lock_enabled", "BOOLEAN"),
            ("object_lock_mode", "VARCHAR"),
            ("object_lock_days", "INTEGER"),
            ("object_lock_years", "INTEGER"),
            ("lifecycle_rules", "JSON"),
            ("public_access_block", "JSON"),
            ("bucket_policy_found", "BOOLEAN"),  # false: NoSuchBucketPolicy; null: not captured or unreadable
            # the policy, one entry per statement and principal (load/s3_policy.py): [] when there is none
            ("bucket_policy", "JSON"),
            ("log_listing_captured", "BOOLEAN"),  # its oldest CloudTrail objects were listed (s3_trail_log_listings)
            ("captured_at", "TIMESTAMP"),
        ],
    ),
    Table(
        name="s3_trail_log_listings",
        source="s3",
        description="The oldest CloudTrail object present per account, region and kind in each bucket read "
        "(ListObjectsV2 with MaxKeys=1: keys list in date order).",
        columns=[
            ("account_id", "VARCHAR"),  # the account that owns the bucket
            ("bucket", "VARCHAR"),
            ("prefix", "VARCHAR"),  # [prefix/]AWSLogs/[o-org/]<account>/CloudTrail[-Digest]/<region>/
            ("log_account_id", "VARCHAR"),  # the account in the prefix
            ("kind", "VARCHAR"),  # log | digest
            ("region", "VARCHAR"),
            ("object_count_listed", "INTEGER"),  # 0: the prefix holds no object any more
            ("oldest_key", "VARCHAR"),
            ("oldest_key_date", "TIMESTAMP"),  # the day folder of the oldest key (midnight UTC)
            ("oldest_last_modified", "TIMESTAMP"),
            ("captured_at", "TIMESTAMP"),
        ],  # record_index: the listing's position in the file
    ),
]
