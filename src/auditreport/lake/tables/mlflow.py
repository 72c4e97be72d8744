"""MLflow Model Registry snapshots and the history derived from them (source ``mlflow``)."""

from __future__ import annotations

from ..schema import Table

TABLES = [
    Table(
        name="mlflow_registered_models",
        source="mlflow",
        description="MLflow registered models per snapshot, with their aliases and tags.",
        columns=[
            ("snapshot_at", "TIMESTAMP"),
            ("tracking_uri", "VARCHAR"),
            ("model_name", "VARCHAR"),
            ("aliases", "JSON"),  # {"alias": "version"}
            ("tags", "JSON"),  # {"key": "value"}
            ("description", "VARCHAR"),
            ("creation_time", "TIMESTAMP"),
            ("last_updated_time", "TIMESTAMP"),
        ],
        row_key=("snapshot_at", "source_key", "record_index"),
    ),
    Table(
        name="mlflow_model_versions",
        source="mlflow",
        description="MLflow model versions per snapshot. OSS MLflow records no actor: user_id is never filled.",
        columns=[
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
        row_key=("snapshot_at", "source_key", "record_index"),
    ),
    Table(
        name="mlflow_aliases",
        source="mlflow",
        description="One row per alias per snapshot: which version an alias pointed to when the snapshot was taken.",
        columns=[
            ("snapshot_at", "TIMESTAMP"),
            ("model_name", "VARCHAR"),
            ("alias", "VARCHAR"),
            ("version", "INTEGER"),
        ],
        row_key=("snapshot_at", "source_key", "record_index"),
    ),
    Table(
        name="mlflow_registry_changes",
        source="mlflow",
        description="Registry history derived by comparing consecutive snapshots. Each change was observed between "
        "observed_after and observed_before; MLflow records neither who made it nor exactly when.",
        columns=[
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
    Table(
        name="mlflow_runs",
        source="mlflow",
        description="The MLflow runs that registered model versions point to, per snapshot (runs/get). A run the "
        "server no longer has is a row too, with the server's error_code (RESOURCE_DOES_NOT_EXIST) and no run data.",
        columns=[
            ("snapshot_at", "TIMESTAMP"),
            ("run_id", "VARCHAR"),
            ("experiment_id", "VARCHAR"),
            ("user_id", "VARCHAR"),
            ("status", "VARCHAR"),
            ("lifecycle_stage", "VARCHAR"),  # active | deleted (a deleted run is still returned by runs/get)
            ("start_time", "TIMESTAMP"),
            ("end_time", "TIMESTAMP"),
            ("tags", "JSON"),  # {"key": "value"}: mlflow.source.git.commit, mlflow.source.name, mlflow.source.type, ...
            ("params", "JSON"),  # {"key": "value"}
            ("dataset_inputs", "JSON"),  # [{"name", "digest", "source_type", "context"}]: mlflow_run_inputs, in short
            ("error_code", "VARCHAR"),  # null when the run was found; RESOURCE_DOES_NOT_EXIST when it is gone
            ("error_message", "VARCHAR"),
        ],
        row_key=("snapshot_at", "source_key", "record_index"),
    ),
    Table(
        name="mlflow_run_inputs",
        source="mlflow",
        description="The dataset inputs a run logged (mlflow.log_input), one row per input per snapshot: the "
        "dataset's name, digest, source type and source, and its context tag (training, evaluation, ...).",
        columns=[
            ("snapshot_at", "TIMESTAMP"),
            ("run_id", "VARCHAR"),
            ("dataset_name", "VARCHAR"),
            ("digest", "VARCHAR"),
            ("source_type", "VARCHAR"),
            ("source", "VARCHAR"),  # as MLflow stores it: a JSON text such as {"uri": "s3://..."}
            ("context", "VARCHAR"),  # the input's mlflow.data.context tag
            ("tags", "JSON"),
        ],
        row_key=("snapshot_at", "source_key", "record_index"),
    ),
]
