"""Trail settings (source ``trails``)."""

from __future__ import annotations

from ..schema import Table

TABLES = [
    Table(
        name="cloudtrail_trails",
        source="trails",
        description="Trail settings per account and region: DescribeTrails + GetTrailStatus + GetEventSelectors.",
        columns=[
            ("account_id", "VARCHAR"),
            ("region", "VARCHAR"),
            ("trail_arn", "VARCHAR"),
            ("trail_name", "VARCHAR"),
            ("home_region", "VARCHAR"),
            ("is_multi_region_trail", "BOOLEAN"),
            ("is_organization_trail", "BOOLEAN"),
            ("include_global_service_events", "BOOLEAN"),
            ("log_file_validation_enabled", "BOOLEAN"),
            ("s3_bucket_name", "VARCHAR"),
            ("s3_key_prefix", "VARCHAR"),
            ("kms_key_id", "VARCHAR"),
            ("cloud_watch_logs_log_group_arn", "VARCHAR"),
            ("cloud_watch_logs_role_arn", "VARCHAR"),
            ("is_logging", "BOOLEAN"),  # null when GetTrailStatus was not captured
            ("latest_delivery_time", "TIMESTAMP"),
            ("latest_delivery_error", "VARCHAR"),
            # GetTrailStatus: delivery to CloudWatch Logs (null when not captured, or never delivered)
            ("latest_cloud_watch_logs_delivery_time", "TIMESTAMP"),
            ("latest_cloud_watch_logs_delivery_error", "VARCHAR"),
            ("event_selectors", "JSON"),
            ("advanced_event_selectors", "JSON"),
            ("captured_at", "TIMESTAMP"),
        ],
    ),
]
TABLES += [
    Table(
        name="cloudtrail_public_keys",
        source="trails",
        description="CloudTrail's public keys (ListPublicKeys over the period, one day either side, per account and "
        "region): what digest signatures are verified with.",
        columns=[
            ("account_id", "VARCHAR"),
            ("region", "VARCHAR"),
            ("fingerprint", "VARCHAR"),  # as ListPublicKeys returns it; digests name it (digestPublicKeyFingerprint)
            ("validity_start_time", "TIMESTAMP"),
            ("validity_end_time", "TIMESTAMP"),
            ("value_base64", "VARCHAR"),  # the DER key (PKCS#1), base64
            ("fingerprint_matches_key", "BOOLEAN"),  # the fingerprint is the MD5 of the DER key
            ("captured_at", "TIMESTAMP"),
        ],
    ),
    Table(
        name="cloudtrail_digest_signatures",
        source="trails",
        description="One row per CloudTrail digest of the period (cloudtrail_digests): its signature verified at "
        "load time against cloudtrail_public_keys: valid, invalid or not_verifiable, with the reason.",
        columns=[
            ("account_id", "VARCHAR"),
            ("region", "VARCHAR"),
            ("trail_name", "VARCHAR"),
            ("digest_end_time", "TIMESTAMP"),
            ("digest_s3_bucket", "VARCHAR"),
            ("digest_s3_object", "VARCHAR"),
            ("fingerprint", "VARCHAR"),  # digestPublicKeyFingerprint
            ("key_found", "BOOLEAN"),
            ("key_region", "VARCHAR"),
            ("key_validity_start", "TIMESTAMP"),
            ("key_validity_end", "TIMESTAMP"),
            ("signature_algorithm", "VARCHAR"),
            ("verification", "VARCHAR"),  # valid | invalid | not_verifiable
            ("detail", "VARCHAR"),
        ],  # source_key: the digest file
        time_column="digest_end_time",
        partitioned=True,
    ),
]
