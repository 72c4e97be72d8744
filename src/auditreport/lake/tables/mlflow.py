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
        description="The MLflow runs that registered model versions point to.",
        columns=[
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
        row_key=("snapshot_at", "source_key", "record_index"),
    ),
]
