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
