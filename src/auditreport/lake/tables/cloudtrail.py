"""CloudTrail log records and digest files (source ``cloudtrail``)."""

from __future__ import annotations

from ...raw import cloudtrail_trail_sql
from ..schema import Table

TABLES = [
    Table(
        name="cloudtrail_events",
        source="cloudtrail",
        description="One row per CloudTrail record delivered to the trail bucket.",
        columns=[
            ("event_id", "VARCHAR"),
            ("event_time", "TIMESTAMP"),
            ("event_time_raw", "VARCHAR"),
            ("event_version", "VARCHAR"),
            ("event_source", "VARCHAR"),
            ("event_name", "VARCHAR"),
            ("event_type", "VARCHAR"),
            ("event_category", "VARCHAR"),
            ("aws_region", "VARCHAR"),
            ("source_ip_address", "VARCHAR"),
            ("user_agent", "VARCHAR"),
            ("error_code", "VARCHAR"),
            ("error_message", "VARCHAR"),
            ("request_id", "VARCHAR"),
            ("recipient_account_id", "VARCHAR"),
            ("read_only", "BOOLEAN"),
            ("management_event", "BOOLEAN"),
            ("shared_event_id", "VARCHAR"),
            ("vpc_endpoint_id", "VARCHAR"),
            # derived from userIdentity
            ("user_type", "VARCHAR"),  # userIdentity.type
            ("principal_arn", "VARCHAR"),  # userIdentity.arn (for AssumedRole: the sts assumed-role ARN)
            ("principal_account_id", "VARCHAR"),
            ("principal_id", "VARCHAR"),
            ("access_key_id", "VARCHAR"),
            ("session_issuer_arn", "VARCHAR"),  # userIdentity.sessionContext.sessionIssuer.arn (the role)
            ("session_name", "VARCHAR"),  # the role session name, for AssumedRole
            ("actor_arn", "VARCHAR"),  # who acted, comparable across events: role ARN for AssumedRole, else arn
            ("invoked_by", "VARCHAR"),
            # nested documents kept as JSON text
            ("user_identity", "JSON"),
            ("request_parameters", "JSON"),
            ("response_elements", "JSON"),
            ("additional_event_data", "JSON"),
            ("resources", "JSON"),
            ("service_event_details", "JSON"),
            ("tls_details", "JSON"),
            # where the object sat in the bucket
            ("source_account_id", "VARCHAR"),  # account in the object key (may differ from recipient_account_id)
            ("source_region", "VARCHAR"),  # region in the object key
        ],
        time_column="event_time",
        partitioned=True,
        derived=(("source_trail", "VARCHAR", cloudtrail_trail_sql("source_key")),),  # the trail read, with several
    ),
    Table(
        name="cloudtrail_digests",
        source="cloudtrail",
        description="One row per CloudTrail digest file (CloudTrail-Digest/), for log-file integrity and delivery gaps.",
        columns=[
            ("account_id", "VARCHAR"),
            ("region", "VARCHAR"),
            ("digest_start_time", "TIMESTAMP"),
            ("digest_end_time", "TIMESTAMP"),
            ("digest_s3_bucket", "VARCHAR"),
            ("digest_s3_object", "VARCHAR"),
            ("previous_digest_s3_object", "VARCHAR"),
            ("previous_digest_signature", "VARCHAR"),
            ("log_files", "JSON"),  # [{s3Bucket, s3Object, hashValue, hashAlgorithm, oldestEventTime, newestEventTime}]
            ("log_file_count", "INTEGER"),
            ("trail_name", "VARCHAR"),  # from the digest's file name
            ("digest_end_time_raw", "VARCHAR"),  # digestEndTime as written: part of the string CloudTrail signs
            ("digest_sha256", "VARCHAR"),  # hex SHA-256 of the uncompressed digest file (its successor's previous hash)
            ("digest_public_key_fingerprint", "VARCHAR"),
            ("digest_signature_algorithm", "VARCHAR"),
            ("previous_digest_s3_bucket", "VARCHAR"),
            ("previous_digest_hash_value", "VARCHAR"),
            ("previous_digest_hash_algorithm", "VARCHAR"),
            # from the digest's signature sidecar (S3 object metadata x-amz-meta-signature / -signature-algorithm)
            ("signature", "VARCHAR"),  # hex; null when none was recorded
            ("signature_algorithm", "VARCHAR"),
            ("signature_missing", "VARCHAR"),  # why signature is null (no sidecar, no metadata, damaged sidecar)
        ],
        time_column="digest_end_time",
        partitioned=True,
    ),
    Table(
        name="cloudtrail_digest_log_files",
        source="cloudtrail",
        description="One row per log file a CloudTrail digest lists, with the hash CloudTrail recorded for its content: "
        "what the integrity checks compare with the bucket.",
        columns=[
            ("account_id", "VARCHAR"),
            ("region", "VARCHAR"),
            ("digest_start_time", "TIMESTAMP"),
            ("digest_end_time", "TIMESTAMP"),
            ("log_file_index", "INTEGER"),  # position in the digest's logFiles
            ("s3_bucket", "VARCHAR"),
            ("s3_object", "VARCHAR"),  # the full S3 key, as the digest records it
            ("object_key", "VARCHAR"),  # the key from AWSLogs/ on, as ingest_objects.object_key holds it
            ("hash_value", "VARCHAR"),  # SHA-256 of the uncompressed log file (ingest_objects.content_sha256)
            ("hash_algorithm", "VARCHAR"),
            ("oldest_event_time", "TIMESTAMP"),
            ("newest_event_time", "TIMESTAMP"),
        ],  # source_key: the digest file
        time_column="digest_end_time",
        partitioned=True,
    ),
]
