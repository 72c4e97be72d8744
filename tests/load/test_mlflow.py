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
