"""S3 bucket settings (source ``s3``)."""

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
            ("captured_at", "TIMESTAMP"),
        ],
    ),
]
