"""EKS: clusters (source ``eks``) and the Kubernetes audit events their control planes send to CloudWatch Logs.

``eks_audit_events`` is filled by the ``cloudwatch`` source's loader (``load/eks_audit.py`` parses the events of
``/aws/eks/<cluster>/cluster``, streams ``kube-apiserver-audit-*``), so its availability is that source's: it is
declared here, beside the clusters, because it is EKS evidence.
"""

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
    Table(
        name="eks_audit_events",
        source="cloudwatch",
        description="Kubernetes audit events (audit.k8s.io Event) of EKS control planes, parsed from the CloudWatch "
        "log events of /aws/eks/<cluster>/cluster, streams kube-apiserver-audit-*; source_key and record_index "
        "name the log event in its FilterLogEvents file.",
        columns=[
            ("account_id", "VARCHAR"),
            ("region", "VARCHAR"),
            ("cluster_name", "VARCHAR"),
            ("log_group_name", "VARCHAR"),
            ("log_stream_name", "VARCHAR"),
            ("log_event_id", "VARCHAR"),
            ("event_time", "TIMESTAMP"),  # requestReceivedTimestamp, else the log event's time
            ("stage_time", "TIMESTAMP"),  # stageTimestamp
            ("stage", "VARCHAR"),  # RequestReceived | ResponseStarted | ResponseComplete | Panic
            ("audit_id", "VARCHAR"),
            ("level", "VARCHAR"),
            ("verb", "VARCHAR"),
            ("request_uri", "VARCHAR"),
            ("username", "VARCHAR"),
            ("user_groups", "JSON"),
            ("user_arn", "VARCHAR"),  # user.extra.arn[0]: the IAM identity EKS authenticated
            ("impersonated_username", "VARCHAR"),
            ("source_ips", "JSON"),
            ("user_agent", "VARCHAR"),
            ("resource", "VARCHAR"),
            ("subresource", "VARCHAR"),
            ("namespace", "VARCHAR"),
            ("object_name", "VARCHAR"),
            ("api_group", "VARCHAR"),  # "" for the core group
            ("api_version", "VARCHAR"),
            ("response_code", "INTEGER"),
            ("authorization_decision", "VARCHAR"),  # annotations["authorization.k8s.io/decision"]
        ],
        time_column="event_time",
        partitioned=True,
    ),
]
