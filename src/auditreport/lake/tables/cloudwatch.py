"""CloudWatch Logs: log groups and the events of configured groups (source ``cloudwatch``)."""

from __future__ import annotations

from ..schema import Table

TABLES = [
    Table(
        name="cloudwatch_log_groups",
        source="cloudwatch",
        description="CloudWatch log groups with their retention (null retention_in_days = never expires).",
        columns=[
            ("account_id", "VARCHAR"),
            ("region", "VARCHAR"),
            ("log_group_name", "VARCHAR"),
            ("log_group_arn", "VARCHAR"),
            ("retention_in_days", "INTEGER"),
            ("creation_time", "TIMESTAMP"),
            ("stored_bytes", "BIGINT"),
            ("kms_key_id", "VARCHAR"),
            ("captured_at", "TIMESTAMP"),
        ],
    ),
    Table(
        name="cloudwatch_log_events",
        source="cloudwatch",
        description="Log events of the configured log groups for the period (FilterLogEvents).",
        columns=[
            ("account_id", "VARCHAR"),
            ("region", "VARCHAR"),
            ("log_group_name", "VARCHAR"),
            ("log_stream_name", "VARCHAR"),
            ("event_time", "TIMESTAMP"),
            ("ingestion_time", "TIMESTAMP"),
            ("event_id", "VARCHAR"),
            ("message", "VARCHAR"),
        ],
        time_column="event_time",
        partitioned=True,
    ),
]
