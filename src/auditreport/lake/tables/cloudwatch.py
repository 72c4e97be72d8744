"""CloudWatch Logs: log groups and the events of configured groups (source ``cloudwatch``), and what the loader
derives from the events: the Kubernetes audit events of EKS control planes and the personal data found in them."""

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
    Table(
        name="cloudwatch_log_pii",
        source="cloudwatch",
        description="Personal data found in a CloudWatch log event at load time (load/log_pii.py): emails, card "
        "numbers that pass the Luhn test, IBANs that pass mod-97, international phone numbers. Only a masked "
        "excerpt is kept, never the value; source_key and record_index name the log event.",
        columns=[
            ("account_id", "VARCHAR"),
            ("region", "VARCHAR"),
            ("log_group_name", "VARCHAR"),
            ("log_stream_name", "VARCHAR"),
            ("event_time", "TIMESTAMP"),
            ("event_id", "VARCHAR"),
            ("match_index", "INTEGER"),  # the match's order in the message
            ("kind", "VARCHAR"),  # email | card | iban | phone
            ("masked", "VARCHAR"),  # j***@e***.com, ************1111, DE******************3000, +*********21
            ("match_offset", "INTEGER"),  # character offset of the match in the message
        ],
        time_column="event_time",
        partitioned=True,
        row_key=("source_key", "record_index", "match_index"),
    ),
]
