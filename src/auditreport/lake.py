"""The Parquet lake: table schemas, Hive-partitioned layout, and DuckDB views over it.

Every table is declared once here. The loaders write these columns, the checks read them, the check test
runner builds empty tables from them, and ``audit.duckdb`` exposes one view per table.

Times are ``TIMESTAMP`` values in UTC (no zone attached), so Athena, Trino and Spark read them unchanged.
Nested documents (CloudTrail's ``requestParameters``, IAM policy documents, tags) are ``JSON`` text: never
inferred structs, because real data breaks struct inference (keys that differ only by case).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

PROVENANCE = [
    ("source_key", "VARCHAR"),  # the raw object or file this row came from (relative to its source root)
    ("record_index", "INTEGER"),  # position of the record inside that object (0-based), null when not a list
    ("ingest_run_id", "VARCHAR"),  # the run that loaded it
]


@dataclass(frozen=True)
class Table:
    name: str
    columns: list[tuple[str, str]]
    description: str
    source: str  # the configured source that feeds it: cloudtrail, trails, sagemaker, mlflow, cloudwatch, iam, s3
    time_column: str | None = None  # event tables: the column a period filter applies to
    partitioned: bool = False  # year=/month= partitions from time_column
    provenance: bool = True
    extra_doc: dict[str, str] = field(default_factory=dict)

    @property
    def all_columns(self) -> list[tuple[str, str]]:
        cols = list(self.columns)
        if self.provenance:
            cols += PROVENANCE
        if self.partitioned:
            cols += [("year", "INTEGER"), ("month", "INTEGER")]
        return cols

    def ddl(self, name: str | None = None) -> str:
        body = ", ".join(f'"{c}" {t}' for c, t in self.all_columns)
        return f'CREATE TABLE "{name or self.name}" ({body})'


def _t(name, source, description, columns, **kw) -> Table:
    return Table(name=name, source=source, description=description, columns=columns, **kw)


TABLES: dict[str, Table] = {
    t.name: t
    for t in [
        _t(
            "cloudtrail_events",
            "cloudtrail",
            "One row per CloudTrail record delivered to the trail bucket.",
            [
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
        ),
        _t(
            "cloudtrail_digests",
            "cloudtrail",
            "One row per CloudTrail digest file (CloudTrail-Digest/), for log-file integrity and delivery gaps.",
            [
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
            ],
            time_column="digest_end_time",
            partitioned=True,
        ),
        _t(
            "cloudtrail_digest_log_files",
            "cloudtrail",
            "One row per log file a CloudTrail digest lists, with the hash CloudTrail recorded for its content: "
            "what the integrity checks compare with the bucket.",
            [
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
        _t(
            "ingest_objects",
            "cloudtrail",
            "Every input object the run saw, with what became of it: loaded, quarantined or changed.",
            [
                ("source", "VARCHAR"),  # cloudtrail, cloudtrail_digest, sagemaker, ...
                ("object_key", "VARCHAR"),
                ("size_bytes", "BIGINT"),
                ("etag", "VARCHAR"),  # S3 ETag, or the SHA-256 of a local file
                ("sha256", "VARCHAR"),  # of the object as stored (gzip)
                ("content_sha256", "VARCHAR"),  # of its uncompressed content: what a CloudTrail digest records
                ("status", "VARCHAR"),  # loaded | quarantined | changed
                ("records_read", "INTEGER"),
                ("records_loaded", "INTEGER"),
                ("records_quarantined", "INTEGER"),
                ("batch_id", "VARCHAR"),
                ("loaded_at", "TIMESTAMP"),
                ("ingest_run_id", "VARCHAR"),
            ],
            provenance=False,
        ),
        _t(
            "quarantine",
            "cloudtrail",
            "Objects and records that could not be loaded, with the reason. Counted in the report.",
            [
                ("source", "VARCHAR"),
                ("object_key", "VARCHAR"),
                ("record_index", "INTEGER"),  # null when the whole object was quarantined
                ("reason", "VARCHAR"),  # short code: corrupt_gzip, malformed_json, not_cloudtrail, missing_event_time, ...
                ("detail", "VARCHAR"),  # one line for a person
                ("raw_excerpt", "VARCHAR"),  # first bytes of the record or object, for investigation
                ("quarantined_at", "TIMESTAMP"),
                ("ingest_run_id", "VARCHAR"),
            ],
            provenance=False,
        ),
        _t(
            "cloudtrail_trails",
            "trails",
            "Trail settings per account and region: DescribeTrails + GetTrailStatus + GetEventSelectors.",
            [
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
                ("is_logging", "BOOLEAN"),  # null when GetTrailStatus was not captured
                ("latest_delivery_time", "TIMESTAMP"),
                ("latest_delivery_error", "VARCHAR"),
                ("event_selectors", "JSON"),
                ("advanced_event_selectors", "JSON"),
                ("captured_at", "TIMESTAMP"),
            ],
        ),
        _t(
            "sagemaker_model_packages",
            "sagemaker",
            "Every model package version in the SageMaker Model Registry, as DescribeModelPackage returns it.",
            [
                ("account_id", "VARCHAR"),
                ("region", "VARCHAR"),
                ("model_package_arn", "VARCHAR"),
                ("model_package_group_name", "VARCHAR"),
                ("model_package_version", "INTEGER"),
                ("model_approval_status", "VARCHAR"),  # Approved | Rejected | PendingManualApproval
                ("approval_description", "VARCHAR"),
                ("model_package_status", "VARCHAR"),
                ("creation_time", "TIMESTAMP"),
                ("last_modified_time", "TIMESTAMP"),
                ("created_by", "JSON"),  # CreatedBy as the API returns it (moto fakes it; CloudTrail is authoritative)
                ("last_modified_by", "JSON"),
                ("model_data_url", "VARCHAR"),
                ("image", "VARCHAR"),
                ("customer_metadata", "JSON"),
                ("captured_at", "TIMESTAMP"),
            ],
        ),
        _t(
            "sagemaker_endpoints",
            "sagemaker",
            "SageMaker endpoints as DescribeEndpoint returns them.",
            [
                ("account_id", "VARCHAR"),
                ("region", "VARCHAR"),
                ("endpoint_name", "VARCHAR"),
                ("endpoint_arn", "VARCHAR"),
                ("endpoint_config_name", "VARCHAR"),
                ("endpoint_status", "VARCHAR"),
                ("creation_time", "TIMESTAMP"),
                ("last_modified_time", "TIMESTAMP"),
                ("captured_at", "TIMESTAMP"),
            ],
        ),
        _t(
            "sagemaker_models",
            "sagemaker",
            "SageMaker models (DescribeModel); one row per container.",
            [
                ("account_id", "VARCHAR"),
                ("region", "VARCHAR"),
                ("model_name", "VARCHAR"),
                ("model_arn", "VARCHAR"),
                ("container_index", "INTEGER"),
                ("model_package_arn", "VARCHAR"),  # ModelPackageName of the container, normalised to an ARN
                ("image", "VARCHAR"),
                ("model_data_url", "VARCHAR"),
                ("execution_role_arn", "VARCHAR"),
                ("creation_time", "TIMESTAMP"),
                ("captured_at", "TIMESTAMP"),
            ],
        ),
        _t(
            "sagemaker_deployments",
            "sagemaker",
            "What is deployed: endpoint -> endpoint config -> production variant -> model -> model package.",
            [
                ("account_id", "VARCHAR"),
                ("region", "VARCHAR"),
                ("endpoint_name", "VARCHAR"),
                ("endpoint_arn", "VARCHAR"),
                ("endpoint_status", "VARCHAR"),
                ("endpoint_config_name", "VARCHAR"),
                ("variant_name", "VARCHAR"),
                ("model_name", "VARCHAR"),
                ("model_arn", "VARCHAR"),
                ("model_package_arn", "VARCHAR"),  # null when the model was not built from a registry package
                ("image", "VARCHAR"),
                ("model_data_url", "VARCHAR"),
                ("endpoint_last_modified_time", "TIMESTAMP"),
                ("captured_at", "TIMESTAMP"),
            ],
        ),
        _t(
            "mlflow_registered_models",
            "mlflow",
            "MLflow registered models per snapshot, with their aliases and tags.",
            [
                ("snapshot_at", "TIMESTAMP"),
                ("tracking_uri", "VARCHAR"),
                ("model_name", "VARCHAR"),
                ("aliases", "JSON"),  # {"alias": "version"}
                ("tags", "JSON"),  # {"key": "value"}
                ("description", "VARCHAR"),
                ("creation_time", "TIMESTAMP"),
                ("last_updated_time", "TIMESTAMP"),
            ],
        ),
        _t(
            "mlflow_model_versions",
            "mlflow",
            "MLflow model versions per snapshot. OSS MLflow records no actor: user_id is never filled.",
            [
                ("snapshot_at", "TIMESTAMP"),
                ("tracking_uri", "VARCHAR"),
                ("model_name", "VARCHAR"),
                ("version", "INTEGER"),
                ("current_stage", "VARCHAR"),
                ("status", "VARCHAR"),
                ("source", "VARCHAR"),
                ("run_id", "VARCHAR"),
                ("aliases", "JSON"),  # ["alias", ...] taken from the registered model, since search omits them
                ("tags", "JSON"),  # {"key": "value"}
                ("user_id", "VARCHAR"),
                ("run_user_id", "VARCHAR"),  # the run's user_id (who trained it), from runs/get
                ("description", "VARCHAR"),
                ("creation_time", "TIMESTAMP"),
                ("last_updated_time", "TIMESTAMP"),
            ],
        ),
        _t(
            "mlflow_aliases",
            "mlflow",
            "One row per alias per snapshot: which version an alias pointed to when the snapshot was taken.",
            [
                ("snapshot_at", "TIMESTAMP"),
                ("model_name", "VARCHAR"),
                ("alias", "VARCHAR"),
                ("version", "INTEGER"),
            ],
        ),
        _t(
            "mlflow_registry_changes",
            "mlflow",
            "Registry history derived by comparing consecutive snapshots. Each change was observed between "
            "observed_after and observed_before; MLflow records neither who made it nor exactly when.",
            [
                ("model_name", "VARCHAR"),
                ("version", "INTEGER"),  # null for model-level changes
                ("change", "VARCHAR"),  # version_created | version_deleted | stage_changed | alias_set | alias_moved
                # | alias_removed | tag_set | tag_changed | tag_removed
                ("field", "VARCHAR"),  # the alias or tag name, or 'current_stage'
                ("old_value", "VARCHAR"),
                ("new_value", "VARCHAR"),
                ("observed_after", "TIMESTAMP"),  # last snapshot without the change
                ("observed_before", "TIMESTAMP"),  # first snapshot with it
            ],
            provenance=False,
        ),
        _t(
            "mlflow_runs",
            "mlflow",
            "The MLflow runs that registered model versions point to.",
            [
                ("snapshot_at", "TIMESTAMP"),
                ("run_id", "VARCHAR"),
                ("experiment_id", "VARCHAR"),
                ("user_id", "VARCHAR"),
                ("status", "VARCHAR"),
                ("start_time", "TIMESTAMP"),
                ("end_time", "TIMESTAMP"),
                ("tags", "JSON"),
                ("params", "JSON"),
            ],
        ),
        _t(
            "cloudwatch_log_groups",
            "cloudwatch",
            "CloudWatch log groups with their retention (null retention_in_days = never expires).",
            [
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
        _t(
            "cloudwatch_log_events",
            "cloudwatch",
            "Log events of the configured log groups for the period (FilterLogEvents).",
            [
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
        _t(
            "iam_principals",
            "iam",
            "IAM users, roles and groups from GetAccountAuthorizationDetails.",
            [
                ("account_id", "VARCHAR"),
                ("principal_type", "VARCHAR"),  # user | role | group
                ("principal_name", "VARCHAR"),
                ("principal_arn", "VARCHAR"),
                ("path", "VARCHAR"),
                ("create_date", "TIMESTAMP"),
                ("assume_role_policy", "JSON"),  # roles only
                ("attached_managed_policy_arns", "JSON"),
                ("group_names", "JSON"),  # users only
                ("tags", "JSON"),
                ("captured_at", "TIMESTAMP"),
            ],
        ),
        _t(
            "iam_policy_statements",
            "iam",
            "Every statement of every policy that applies to a principal: inline, or managed and attached "
            "(default version). Actions and resources are JSON arrays even when the document used a string.",
            [
                ("account_id", "VARCHAR"),
                ("principal_type", "VARCHAR"),
                ("principal_name", "VARCHAR"),
                ("principal_arn", "VARCHAR"),
                ("policy_kind", "VARCHAR"),  # inline | managed
                ("policy_name", "VARCHAR"),
                ("policy_arn", "VARCHAR"),  # null for inline policies
                ("statement_index", "INTEGER"),
                ("sid", "VARCHAR"),
                ("effect", "VARCHAR"),
                ("actions", "JSON"),
                ("not_actions", "JSON"),
                ("resources", "JSON"),
                ("not_resources", "JSON"),
                ("condition", "JSON"),
                ("captured_at", "TIMESTAMP"),
            ],
        ),
        _t(
            "s3_bucket_settings",
            "s3",
            "Settings of the configured buckets (trail bucket, dataset buckets).",
            [
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
}


def table(name: str) -> Table:
    return TABLES[name]


def table_dir(lake_root: Path, name: str) -> Path:
    return Path(lake_root) / name


def empty_select(name: str) -> str:
    """A typed, empty SELECT for a table: what a view falls back to when the lake holds no file for it yet."""
    cols = ", ".join(f'CAST(NULL AS {t}) AS "{c}"' for c, t in TABLES[name].all_columns)
    return f"SELECT {cols} WHERE false"


def parquet_glob(lake_root: Path, name: str) -> str:
    return str(Path(lake_root) / name / "**" / "*.parquet")


def has_files(lake_root: Path, name: str) -> bool:
    d = Path(lake_root) / name
    return d.is_dir() and any(d.rglob("*.parquet"))


def view_sql(lake_root: Path, name: str, view_name: str | None = None) -> str:
    """CREATE VIEW over the table's Parquet files (Hive partitions read as columns), or an empty typed view."""
    t = TABLES[name]
    if has_files(lake_root, name):
        cols = ", ".join(f'CAST("{c}" AS {typ}) AS "{c}"' for c, typ in t.all_columns)
        glob = parquet_glob(lake_root, name).replace("'", "''")
        body = f"SELECT {cols} FROM read_parquet('{glob}', hive_partitioning = {str(t.partitioned).lower()}, union_by_name = true)"
    else:
        body = empty_select(name)
    return f'CREATE OR REPLACE VIEW "{view_name or name}" AS {body}'


def create_temp_table(con, name: str, temp_name: str) -> None:
    con.execute(f'DROP TABLE IF EXISTS "{temp_name}"')
    con.execute(TABLES[name].ddl(temp_name).replace("CREATE TABLE", "CREATE TEMP TABLE", 1))


def insert_rows(con, name: str, temp_name: str, rows: list[dict]) -> None:
    """Insert Python rows (dicts; JSON columns may hold dicts/lists) into a table shaped like lake table ``name``.
    Goes through one Arrow table: DuckDB's executemany runs one statement per row, far too slow for thousands."""
    import json

    import pyarrow as pa

    if not rows:
        return
    cols = TABLES[name].all_columns
    arrays, names = [], []
    for c, typ in cols:
        values = [r.get(c) for r in rows]
        if typ == "JSON":
            values = [None if v is None else json.dumps(v, default=str) for v in values]
        try:
            arr = pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
            arr = pa.array([None if v is None else str(v) for v in values])
        arrays.append(arr)
        names.append(c)
    rows_arrow = pa.table(arrays, names=names)
    select = ", ".join(f'CAST("{c}" AS {t})' for c, t in cols)
    quoted = ", ".join(f'"{c}"' for c, _ in cols)
    con.execute(f'INSERT INTO "{temp_name}" ({quoted}) SELECT {select} FROM rows_arrow')  # DuckDB scans the local
    del rows_arrow


def write_parquet(con, select_sql: str, path: Path, params: dict | None = None) -> None:
    """COPY a SELECT to one Parquet file, atomically (temp name, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    con.execute(f"COPY ({select_sql}) TO '{str(tmp).replace(chr(39), chr(39) * 2)}' (FORMAT parquet)", params or {})
    tmp.replace(path)


def replace_table(con, lake_root: Path, name: str, rows: list[dict], run_id: str) -> int:
    """Rewrite a snapshot table whole from ``rows``: the new files appear at once, the old ones go after."""
    import shutil

    temp = f"_new_{name}"
    create_temp_table(con, name, temp)
    insert_rows(con, name, temp, rows)
    final = Path(lake_root) / name
    staging = Path(lake_root) / f".staging-{name}-{run_id}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    t = TABLES[name]
    if t.partitioned:
        con.execute(
            f"COPY (SELECT * FROM \"{temp}\") TO '{staging}' (FORMAT parquet, PARTITION_BY (year, month), "
            f"FILENAME_PATTERN 'part-{{i}}')"
        )
    else:
        write_parquet(con, f'SELECT * FROM "{temp}"', staging / "part-0.parquet")
    old = Path(lake_root) / f".old-{name}-{run_id}"
    if final.exists():
        final.rename(old)
    staging.rename(final)
    shutil.rmtree(old, ignore_errors=True)
    con.execute(f'DROP TABLE "{temp}"')
    return len(rows)


def replace_period_files(con, lake_root: Path, name: str, rows: list[dict], period_label: str) -> int:
    """Write a partitioned table's rows for one period, replacing what an earlier run of that period wrote.
    Other periods' files stay: the lake accumulates months."""
    t = TABLES[name]
    table_root = Path(lake_root) / name
    for old in table_root.rglob(f"period-{period_label}-*.parquet") if table_root.exists() else []:
        old.unlink()
    if not rows:
        return 0
    temp = f"_new_{name}"
    create_temp_table(con, name, temp)
    insert_rows(con, name, temp, rows)
    table_root.mkdir(parents=True, exist_ok=True)
    con.execute(
        f"COPY (SELECT * FROM \"{temp}\") TO '{table_root}' (FORMAT parquet, PARTITION_BY (year, month), "
        f"FILENAME_PATTERN 'period-{period_label}-{{i}}', OVERWRITE_OR_IGNORE)"
    )
    con.execute(f'DROP TABLE "{temp}"')
    assert t.partitioned
    return len(rows)
