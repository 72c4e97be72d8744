"""EKS clusters (source ``eks``). The audit events of their control planes arrive through CloudWatch Logs: table
``eks_audit_events``, declared with the ``cloudwatch`` source that fills it."""

from __future__ import annotations

from ..schema import Table

TABLES = [
    Table(
        name="eks_clusters",
        source="eks",
        description="EKS clusters (DescribeCluster): control-plane log types enabled, version, endpoint access.",
        columns=[
            ("account_id", "VARCHAR"),
            ("region", "VARCHAR"),
            ("cluster_name", "VARCHAR"),
            ("cluster_arn", "VARCHAR"),
            ("status", "VARCHAR"),
            ("version", "VARCHAR"),
            ("platform_version", "VARCHAR"),
            ("created_at", "TIMESTAMP"),
            ("enabled_log_types", "JSON"),  # e.g. ["api", "audit"]: the types of every enabled clusterLogging entry
            ("audit_logging_enabled", "BOOLEAN"),  # null when the response has no logging section
            ("endpoint_public_access", "BOOLEAN"),
            ("endpoint_private_access", "BOOLEAN"),
            ("public_access_cidrs", "JSON"),
            ("logging", "JSON"),  # the response's logging section as it was
            ("captured_at", "TIMESTAMP"),
        ],
    ),
]
