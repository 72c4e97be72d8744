"""MLflow REST snapshots -> lake rows, and registry history derived by comparing consecutive snapshots.

OSS MLflow keeps no registry history and records no actor: tags carry no author or time, ``user_id`` on model
versions is never filled, and moving an alias overwrites it. The only honest history is "this changed between
snapshot T1 and snapshot T2", which is what ``mlflow_registry_changes`` holds.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from urllib.parse import unquote

from .. import lake
from ..period import Period
from ..raw import MLFLOW_SNAPSHOT_FORMAT, MLFLOW_SNAPSHOTS
from .base import Coverage, LoadResult, quarantine_rows, table_count
from .mlflow_history import diff_snapshots
from .snapshot import SnapshotLoader, SnapshotRead, SnapshotReader, as_dict, as_list, parse_time


def _tags(items) -> dict:
    return {t.get("key"): t.get("value") for t in items or [] if isinstance(t, dict)}


def read_mlflow(root: Path, run_id: str) -> SnapshotRead:
    rd = SnapshotReader("mlflow", root, run_id)
    snaps_dir = Path(root) / MLFLOW_SNAPSHOTS
    states = []  # (snapshot_at, {(model, version): version_row}, {model: {alias: version}}, {model: tags})
    for snap in sorted(p for p in snaps_dir.iterdir() if p.is_dir()) if snaps_dir.is_dir() else []:
        try:
            snapshot_at = datetime.strptime(snap.name, MLFLOW_SNAPSHOT_FORMAT)
        except ValueError:
            rd.quarantine(rd.key(snap), "unexpected_snapshot", f"snapshot folder name is not {MLFLOW_SNAPSHOT_FORMAT}")
            continue
        quarantined_before = len(rd.result.quarantine)
        with rd.each(snap):
            state = _read_snapshot(rd, snap, snapshot_at, run_id)
            if len(rd.result.quarantine) > quarantined_before:  # a file of it could not be read
                raise ValueError("the snapshot is incomplete: a file of it could not be read, so it is left out "
                                 "whole (a missing file would read as deleted models)")
            states.append(state)
    for before, after in zip(states, states[1:]):
        for change in diff_snapshots(before, after):
            rd.result.add("mlflow_registry_changes", change)
    if states:
        rd.result.captured_at = states[-1][0]
    return rd.result


def _read_snapshot(rd: SnapshotReader, snap: Path, snapshot_at: datetime, run_id: str) -> tuple:
    """Rows of one snapshot folder; returns its state for the history: (time, versions, aliases by model)."""
    tracking_uri = None
    cap = snap / "_capture.json"
    if cap.is_file() and isinstance(body := rd.read_json(cap), dict):
        tracking_uri = body.get("tracking_uri")
    models: dict[str, dict] = {}
    search = _pages(rd, snap, "registered-models-search", "registered_models")
    for m in search:
        models[m.get("name")] = m
    get_dir = snap / "registered-models-get"
    for f in sorted(get_dir.glob("*.json")) if get_dir.is_dir() else []:
        body = rd.read_json(f)
        if isinstance(body, dict) and body.get("registered_model"):
            m = body["registered_model"]
            models[m.get("name")] = {**models.get(m.get("name"), {}), **m}  # get carries aliases
    aliases_by_model = {}
    for name, m in sorted(models.items()):
        aliases = {a.get("alias"): str(a.get("version")) for a in m.get("aliases") or []}
        aliases_by_model[name] = aliases
        rd.result.add("mlflow_registered_models", {
            "snapshot_at": snapshot_at, "tracking_uri": tracking_uri, "model_name": name, "aliases": aliases,
            "tags": _tags(m.get("tags")), "description": m.get("description"),
            "creation_time": parse_time(m.get("creation_timestamp")),
            "last_updated_time": parse_time(m.get("last_updated_timestamp")),
            "source_key": rd.key(snap), "ingest_run_id": run_id,
        })  # fmt: skip
        for alias, version in sorted(aliases.items()):
            rd.result.add("mlflow_aliases", {
                "snapshot_at": snapshot_at, "model_name": name, "alias": alias, "version": int(version),
                "source_key": rd.key(snap), "ingest_run_id": run_id,
            })  # fmt: skip
    runs = _read_runs(rd, snap, snapshot_at, run_id)
    versions = {}
    for i, v in enumerate(_pages(rd, snap, "model-versions-search", "model_versions")):
        name, version = v.get("name"), int(v.get("version"))
        held = sorted(a for a, ver in aliases_by_model.get(name, {}).items() if ver == str(version))
        row = {
            "snapshot_at": snapshot_at, "tracking_uri": tracking_uri, "model_name": name, "version": version,
            "current_stage": v.get("current_stage"), "status": v.get("status"), "source": v.get("source"),
            "run_id": v.get("run_id"), "aliases": held, "tags": _tags(v.get("tags")),
            "user_id": v.get("user_id") or None, "run_user_id": (runs.get(v.get("run_id")) or {}).get("user_id"),
            "description": v.get("description"), "creation_time": parse_time(v.get("creation_timestamp")),
            "last_updated_time": parse_time(v.get("last_updated_timestamp")),
            "source_key": rd.key(snap), "record_index": i, "ingest_run_id": run_id,
        }  # fmt: skip
        versions[(name, version)] = row
        rd.result.add("mlflow_model_versions", row)
    return snapshot_at, versions, aliases_by_model


def _read_runs(rd: SnapshotReader, snap: Path, snapshot_at: datetime, run_id: str) -> dict:
    """One ``mlflow_runs`` row per runs-get file: the run, or the server's error body for a run that is gone (a fact:
    the version's training cannot be traced); one ``mlflow_run_inputs`` row per dataset input of a run. Returns the
    found runs' info by run id."""
    runs = {}
    runs_dir = snap / "runs-get"
    for f in sorted(runs_dir.glob("*.json")) if runs_dir.is_dir() else []:
        body = rd.read_json(f)
        if body is None:
            continue
        with rd.each(f):
            row = {"snapshot_at": snapshot_at, "source_key": rd.key(f), "ingest_run_id": run_id}
            if "run" not in body and body.get("error_code"):  # the server's 404 body, written by the extractor
                rd.result.add("mlflow_runs", {
                    **row, "run_id": unquote(f.stem), "error_code": str(body["error_code"]),
                    "error_message": body.get("message"),
                })  # fmt: skip
                continue
            run = as_dict(body.get("run"))
            info, data = as_dict(run.get("info", {})), as_dict(run.get("data") or {})
            inputs = as_list(as_dict(run.get("inputs") or {}).get("dataset_inputs") or [])
            datasets = []
            for i, item in enumerate(inputs):
                ds, tags = as_dict(as_dict(item).get("dataset")), _tags(as_list(item.get("tags") or []))
                datasets.append({"name": ds.get("name"), "digest": ds.get("digest"),
                                 "source_type": ds.get("source_type"), "context": tags.get("mlflow.data.context")})
                rd.result.add("mlflow_run_inputs", {
                    **row, "run_id": info.get("run_id"), "record_index": i, "dataset_name": ds.get("name"),
                    "digest": ds.get("digest"), "source_type": ds.get("source_type"), "source": ds.get("source"),
                    "context": tags.get("mlflow.data.context"), "tags": tags,
                })  # fmt: skip
            runs[info.get("run_id")] = info
            rd.result.add("mlflow_runs", {
                **row, "run_id": info.get("run_id"), "experiment_id": info.get("experiment_id"),
                "user_id": info.get("user_id"), "status": info.get("status"),
                "lifecycle_stage": info.get("lifecycle_stage"),
                "start_time": parse_time(info.get("start_time")), "end_time": parse_time(info.get("end_time")),
                "tags": _tags(as_list(data.get("tags") or [])), "params": _tags(as_list(data.get("params") or [])),
                "dataset_inputs": datasets,
            })  # fmt: skip
    return runs


def _pages(rd: SnapshotReader, snap: Path, name: str, key: str) -> list[dict]:
    """A list response: one file with all pages merged, or a folder of page files."""
    out = []
    files = [snap / f"{name}.json"] if (snap / f"{name}.json").is_file() else sorted((snap / name).glob("*.json"))
    for f in files:
        body = rd.read_json(f)
        if isinstance(body, dict):
            out.extend(body.get(key) or [])
    return out


class MlflowLoader(SnapshotLoader):
    """Every snapshot the source holds is loaded (history needs them all); coverage spans the first to the last."""

    source = "mlflow"

    def own_folders(self, root: Path) -> list[Path]:
        """The whole snapshots/ folder is this source's."""
        return [Path(root) / MLFLOW_SNAPSHOTS] if (Path(root) / MLFLOW_SNAPSHOTS).is_dir() else []

    def read(self, root: Path, run_id: str) -> SnapshotRead:
        return read_mlflow(root, run_id)

    def coverage(self, con, period: Period, loaded: LoadResult) -> Coverage:
        first, last = con.execute("SELECT min(snapshot_at), max(snapshot_at) FROM mlflow_registered_models").fetchone()
        return Coverage(
            records_loaded=sum(table_count(con, t) for t in lake.tables_of(self.source)), time_min=first,
            time_max=last, quarantine=quarantine_rows(con, "source = $s", {"s": self.source}),
        )  # fmt: skip
