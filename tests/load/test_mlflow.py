"""load/mlflow.py: every snapshot of the source is read (history needs them all), a folder that is not a snapshot
is quarantined as ``unexpected_snapshot``, aliases get one row each, and coverage spans first..last snapshot."""

from __future__ import annotations

import json
from datetime import datetime

from auditreport.load.mlflow import MlflowLoader
from auditreport.raw import write_json

from .support import PERIOD, load, rows

URI = "http://mlflow.internal:5000"


def _snapshot(root, name: str, *, champion: str, stage2: str, paged: bool = False) -> None:
    snap = root / "snapshots" / name
    write_json(snap / "_capture.json", {"captured_at": "x", "format_version": 1, "tracking_uri": URI})
    model = {"name": "fraud", "creation_timestamp": 1790000000000, "tags": [{"key": "team", "value": "risk"}]}
    if paged:  # pages in a folder instead of one merged file
        write_json(snap / "registered-models-search" / "page-1.json", {"registered_models": [model]})
    else:
        write_json(snap / "registered-models-search.json", {"registered_models": [model]})
    write_json(snap / "registered-models-get" / "fraud.json", {"registered_model": {
        **model, "aliases": [{"alias": "champion", "version": champion}, {"alias": "shadow", "version": "2"}]}})
    write_json(snap / "model-versions-search.json", {"model_versions": [
        {"name": "fraud", "version": "1", "current_stage": "Production", "run_id": "r1", "user_id": "",
         "status": "READY", "tags": [{"key": "approved_by", "value": "carol"}], "creation_timestamp": 1790000000000},
        {"name": "fraud", "version": "2", "current_stage": stage2, "run_id": "r1", "user_id": "", "status": "READY"},
    ]})
    write_json(snap / "runs-get" / "r1.json", {"run": {"info": {"run_id": "r1", "experiment_id": "5",
               "user_id": "alice", "status": "FINISHED", "start_time": 1790000000000},
               "data": {"params": [{"key": "depth", "value": "6"}]}}})  # fmt: skip


def _estate(root):
    _snapshot(root, "20261001T010000Z", champion="1", stage2="None")
    _snapshot(root, "20261015T010000Z", champion="2", stage2="Staging", paged=True)
    (root / "snapshots" / "latest").mkdir()  # not a snapshot name


def test_every_snapshot_is_read_and_a_bad_folder_name_is_quarantined(tmp_path, con, lake_root):
    _estate(tmp_path / "mlflow")
    result = load(MlflowLoader(), tmp_path / "mlflow", con, lake_root)
    assert result.captured_at == datetime(2026, 10, 15, 1)  # the last snapshot
    models = rows(con, "SELECT snapshot_at, tracking_uri, tags FROM mlflow_registered_models ORDER BY 1")
    assert [m["snapshot_at"] for m in models] == [datetime(2026, 10, 1, 1), datetime(2026, 10, 15, 1)]
    assert {m["tracking_uri"] for m in models} == {URI} and json.loads(models[1]["tags"]) == {"team": "risk"}
    [q] = rows(con, "SELECT * FROM quarantine")
    assert (q["source"], q["object_key"], q["reason"]) == ("mlflow", "snapshots/latest", "unexpected_snapshot")
    assert result.records_quarantined == 1 and result.objects_quarantined == 0


def test_aliases_get_one_row_each_and_versions_list_the_aliases_they_hold(tmp_path, con, lake_root):
    _estate(tmp_path / "mlflow")
    load(MlflowLoader(), tmp_path / "mlflow", con, lake_root)
    assert [tuple(r.values()) for r in rows(con, "SELECT snapshot_at, alias, version FROM mlflow_aliases ORDER BY 1, 2")] == [
        (datetime(2026, 10, 1, 1), "champion", 1), (datetime(2026, 10, 1, 1), "shadow", 2),
        (datetime(2026, 10, 15, 1), "champion", 2), (datetime(2026, 10, 15, 1), "shadow", 2)]
    last = {r["version"]: r for r in rows(con, "SELECT * FROM mlflow_model_versions WHERE snapshot_at = $t",
                                          {"t": datetime(2026, 10, 15, 1)})}
    assert json.loads(last[2]["aliases"]) == ["champion", "shadow"] and json.loads(last[1]["aliases"]) == []
    # OSS MLflow records no actor: an empty user_id is NULL, and who trained it comes from the run
    assert last[1]["user_id"] is None and last[1]["run_user_id"] == "alice"
    assert json.loads(last[1]["tags"]) == {"approved_by": "carol"}


def test_history_is_derived_between_consecutive_snapshots(tmp_path, con, lake_root):
    _estate(tmp_path / "mlflow")
    load(MlflowLoader(), tmp_path / "mlflow", con, lake_root)
    got = rows(con, "SELECT change, field, old_value, new_value, observed_after, observed_before "
                    "FROM mlflow_registry_changes ORDER BY change")
    assert [(r["change"], r["field"], r["old_value"], r["new_value"]) for r in got] == [
        ("alias_moved", "champion", "1", "2"), ("stage_changed", "current_stage", "None", "Staging")]
    assert {(r["observed_after"], r["observed_before"]) for r in got} == {
        (datetime(2026, 10, 1, 1), datetime(2026, 10, 15, 1))}


def test_coverage_spans_the_first_to_the_last_snapshot(tmp_path, con, lake_root):
    _estate(tmp_path / "mlflow")
    loader = MlflowLoader()
    cov = loader.coverage(con, PERIOD, load(loader, tmp_path / "mlflow", con, lake_root))
    assert (cov.time_min, cov.time_max) == (datetime(2026, 10, 1, 1), datetime(2026, 10, 15, 1))
    total = sum(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in
                ("mlflow_registered_models", "mlflow_model_versions", "mlflow_aliases", "mlflow_registry_changes",
                 "mlflow_runs"))
    assert cov.records_loaded == total == 2 + 4 + 4 + 2 + 2
    assert [q["reason"] for q in cov.quarantine] == ["unexpected_snapshot"]


def _runs_snapshot(root) -> None:
    """One snapshot whose versions point to a run with dataset inputs, a run that is gone (the server's 404 body, as
    the extractor writes it) and no run at all."""
    snap = root / "snapshots" / "20261020T010000Z"
    write_json(snap / "registered-models-search.json", {"registered_models": [{"name": "fraud"}]})
    write_json(snap / "model-versions-search.json", {"model_versions": [
        {"name": "fraud", "version": "1", "run_id": "r1", "current_stage": "Production"},
        {"name": "fraud", "version": "2", "run_id": "gone", "current_stage": "None"},
        {"name": "fraud", "version": "3", "current_stage": "None"},
    ]})
    write_json(snap / "runs-get" / "r1.json", {"run": {
        "info": {"run_id": "r1", "user_id": "alice", "status": "FINISHED", "lifecycle_stage": "active"},
        "data": {"tags": [{"key": "mlflow.source.git.commit", "value": "3f2a9c1"}]},
        "inputs": {"dataset_inputs": [
            {"tags": [{"key": "mlflow.data.context", "value": "training"}],
             "dataset": {"name": "transactions", "digest": "a1b2c3", "source_type": "s3",
                         "source": "{\"uri\": \"s3://data/tx/2026-09\"}", "schema": "{}"}},
            {"tags": [], "dataset": {"name": "holdout", "digest": "d4e5", "source_type": "local", "source": "{}"}},
        ]}}})
    write_json(snap / "runs-get" / "gone.json",
               {"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "Run with id=gone not found"})


def test_runs_carry_their_dataset_inputs_and_a_run_that_is_gone_is_a_row(tmp_path, con, lake_root):
    _runs_snapshot(tmp_path / "mlflow")
    result = load(MlflowLoader(), tmp_path / "mlflow", con, lake_root)
    assert result.records_quarantined == 0
    runs = {r["run_id"]: r for r in rows(con, "SELECT * FROM mlflow_runs")}
    assert set(runs) == {"r1", "gone"}
    r1, gone = runs["r1"], runs["gone"]
    assert r1["error_code"] is None and r1["lifecycle_stage"] == "active"
    assert json.loads(r1["tags"]) == {"mlflow.source.git.commit": "3f2a9c1"}
    assert json.loads(r1["dataset_inputs"]) == [
        {"name": "transactions", "digest": "a1b2c3", "source_type": "s3", "context": "training"},
        {"name": "holdout", "digest": "d4e5", "source_type": "local", "context": None}]
    assert (gone["error_code"], gone["error_message"]) == ("RESOURCE_DOES_NOT_EXIST", "Run with id=gone not found")
    assert gone["dataset_inputs"] is None and gone["source_key"] == "snapshots/20261020T010000Z/runs-get/gone.json"
    inputs = rows(con, "SELECT * FROM mlflow_run_inputs ORDER BY record_index")
    assert [(i["run_id"], i["record_index"], i["dataset_name"], i["source_type"], i["context"]) for i in inputs] == [
        ("r1", 0, "transactions", "s3", "training"), ("r1", 1, "holdout", "local", None)]
    assert inputs[0]["source"] == '{"uri": "s3://data/tx/2026-09"}' and inputs[0]["digest"] == "a1b2c3"
    # the version without a run keeps run_id null: recorded, not skipped
    versions = {r["version"]: r["run_id"] for r in rows(con, "SELECT version, run_id FROM mlflow_model_versions")}
    assert versions == {1: "r1", 2: "gone", 3: None}


def test_a_run_file_of_the_wrong_shape_is_quarantined_with_its_snapshot(tmp_path, con, lake_root):
    _runs_snapshot(tmp_path / "mlflow")
    write_json(tmp_path / "mlflow" / "snapshots" / "20261020T010000Z" / "runs-get" / "r1.json",
               {"run": {"info": {"run_id": "r1"}, "inputs": {"dataset_inputs": {"name": "not a list"}}}})
    load(MlflowLoader(), tmp_path / "mlflow", con, lake_root)
    quarantined = {(q["object_key"], q["reason"]) for q in rows(con, "SELECT * FROM quarantine")}
    assert ("snapshots/20261020T010000Z/runs-get/r1.json", "unexpected_shape") in quarantined
    assert con.execute("SELECT count(*) FROM mlflow_runs").fetchone()[0] == 0
