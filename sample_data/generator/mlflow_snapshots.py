"""MLflow registry snapshots: REST response shapes of OSS MLflow 2.x at six times around the month.

``mlflow/snapshots/<YYYYMMDDTHHMMSSZ>/``: registered-models search and get, model-versions search, runs get. The
registry's history (versions, tags, stages, alias moves) is the table below; each snapshot shows it as of its time.
"""

from __future__ import annotations

import hashlib
import random
from datetime import datetime, timedelta
from pathlib import Path

from .formats import T, iso_api, ms
from .ids import rand_hex
from .org import MLFLOW_URI
from .planted_approvals import version_description, with_provenance
from .writer import q, write_api

MLFLOW_SNAPSHOTS = [T("2026-10-01T01:00:00"), T("2026-10-08T01:00:00"), T("2026-10-15T01:00:00"),
                    T("2026-10-22T01:00:00"), T("2026-10-29T01:00:00"), T("2026-11-01T01:00:00")]

# name -> experiment id, model tags, versions; each version: created, run user, and timed changes:
#   tags: [(time, key, value)], stages: [(time, stage)]; aliases: alias -> [(time, version)]
MLFLOW_MODELS = {
    "churn-classifier": dict(
        experiment="3", created=T("2025-11-05T10:02:11"), description="Monthly churn propensity, B2C subscriptions",
        tags={"team": "ml-platform", "risk_tier": "high", "sagemaker_group": "churn-classifier"},
        versions={
            1: dict(created=T("2025-11-05T10:02:11"), user="alice"),
            2: dict(created=T("2026-01-12T14:40:02"), user="alice"),
            3: dict(created=T("2026-03-03T09:12:55"), user="bob"),
            4: dict(created=T("2026-05-20T16:31:40"), user="alice"),
            5: dict(created=T("2026-07-08T11:05:09"), user="carol",
                    tags=[(T("2026-07-10T09:00:00"), "approved_by", "dave")]),
            6: dict(created=T("2026-09-10T13:22:47"), user="alice",
                    tags=[(T("2026-09-10T13:22:47"), "validation_status", "passed"),
                          (T("2026-09-14T10:41:03"), "approved_by", "dave")]),
            7: dict(created=T("2026-10-05T09:55:12"), user="alice",
                    tags=[(T("2026-10-05T09:55:12"), "validation_status", "passed"),
                          (T("2026-10-13T13:50:12"), "approved_by", "dave, carol")]),
            8: dict(created=T("2026-10-27T11:00:18"), user="carol",
                    tags=[(T("2026-10-27T11:00:18"), "validation_status", "passed")]),
        },
        aliases={"production": [(T("2026-09-14T11:00:00"), 6), (T("2026-10-13T14:05:40"), 7)],
                 "staging": [(T("2026-09-10T13:30:00"), 6), (T("2026-10-08T09:30:02"), 7),
                             (T("2026-10-27T11:05:02"), 8)]}),
    "credit-risk": dict(
        experiment="5", created=T("2025-12-01T08:30:00"), description="Credit limit risk score (PD model)",
        tags={"team": "ml-platform", "risk_tier": "high", "regulated": "true"},
        versions={
            1: dict(created=T("2025-12-01T08:30:00"), user="bob"),
            2: dict(created=T("2026-04-10T12:12:12"), user="bob",
                    tags=[(T("2026-04-13T09:00:00"), "approved_by", "dave")]),
            3: dict(created=T("2026-09-01T15:04:33"), user="bob",
                    tags=[(T("2026-09-01T15:04:33"), "validation_status", "passed"),
                          (T("2026-09-03T10:20:00"), "approved_by", "dave")]),
            4: dict(created=T("2026-10-19T10:22:03"), user="bob",
                    tags=[(T("2026-10-19T10:22:03"), "validation_status", "passed"),
                          (T("2026-10-19T10:22:03"), "reviewer", "pending")]),
        },
        aliases={"champion": [(T("2026-09-03T10:30:00"), 3), (T("2026-10-20T16:22:09"), 4)],
                 "challenger": [(T("2026-10-20T16:22:30"), 3)]}),
    "demand-forecast": dict(
        experiment="8", created=T("2025-04-02T09:00:00"), description="Weekly demand per SKU and region",
        tags={"team": "forecasting", "risk_tier": "medium", "sagemaker_group": "demand-forecast"},
        versions={
            9: dict(created=T("2026-02-02T10:00:00"), user="carol", stages=[(T("2026-02-03T10:00:00"), "Archived")]),
            10: dict(created=T("2026-05-04T10:00:00"), user="carol", stages=[(T("2026-05-05T10:00:00"), "Archived")]),
            11: dict(created=T("2026-08-10T11:20:40"), user="alice",
                     tags=[(T("2026-08-11T08:00:00"), "approved_by", "dave")],
                     stages=[(T("2026-08-11T08:05:00"), "Production"), (T("2026-10-28T10:30:55"), "Archived")]),
            12: dict(created=T("2026-10-06T14:40:10"), user="alice",
                     tags=[(T("2026-10-27T09:12:40"), "approved_by", "dave, alice")],
                     stages=[(T("2026-10-06T15:00:41"), "Staging"), (T("2026-10-28T10:30:55"), "Production")]),
        },
        aliases={}),
}


class MlflowSnapshots:
    """Writes one directory per snapshot time below ``out/snapshots``."""

    def __init__(self, seed: int, out: Path):
        self.seed, self.out = seed, out

    @staticmethod
    def run_id(model: str, version: int) -> str:
        return hashlib.md5(f"{model}/{version}".encode()).hexdigest()

    def version_at(self, model: str, number: int, spec: dict, at: datetime) -> dict:
        changes = [spec["created"]]
        tags = {}
        for t, k, v in spec.get("tags", []):
            if t <= at:
                tags[k] = v
                changes.append(t)
        stage = "None"
        for t, s in spec.get("stages", []):
            if t <= at:
                stage = s
                changes.append(t)
        rid = self.run_id(model, number)
        mv = {"name": model, "version": str(number), "creation_timestamp": ms(spec["created"]),
              "last_updated_timestamp": ms(max(changes)), "user_id": "", "current_stage": stage,
              "source": f"s3://northwind-mlflow-artifacts/{MLFLOW_MODELS[model]['experiment']}/{rid}/artifacts/model",
              "run_id": rid, "status": "READY"}
        if tags:
            mv["tags"] = [{"key": k, "value": v} for k, v in tags.items()]
        mv["run_link"] = ""
        if version_description(model, number):
            mv["description"] = version_description(model, number)
        return mv, max(changes)

    def run(self, model: str, number: int, spec: dict) -> dict:
        rng = random.Random(f"{self.seed}:mlflow-run:{model}:{number}")
        rid = self.run_id(model, number)
        exp = MLFLOW_MODELS[model]["experiment"]
        end = spec["created"] - timedelta(minutes=rng.randint(3, 40))
        start = end - timedelta(minutes=rng.randint(12, 180))
        name = f"{model}-train-{start:%Y%m%d-%H%M}"
        metric = {"churn-classifier": "val_auc", "credit-risk": "val_gini", "demand-forecast": "val_mape"}[model]
        value = round(rng.uniform(0.78, 0.93) if metric != "val_mape" else rng.uniform(0.07, 0.12), 4)
        return with_provenance(model, number, {"run": {
            "info": {"run_uuid": rid, "experiment_id": exp, "run_name": name, "user_id": spec["user"],
                     "status": "FINISHED", "start_time": ms(start), "end_time": ms(end),
                     "artifact_uri": f"s3://northwind-mlflow-artifacts/{exp}/{rid}/artifacts",
                     "lifecycle_stage": "active", "run_id": rid},
            "data": {
                "metrics": [{"key": metric, "value": value, "timestamp": ms(end), "step": 0}],
                "params": [{"key": "max_depth", "value": str(rng.choice([4, 6, 8]))},
                           {"key": "learning_rate", "value": rng.choice(["0.05", "0.1", "0.2"])},
                           {"key": "training_window", "value": f"{(start - timedelta(days=365)):%Y-%m}..{start:%Y-%m}"}],
                "tags": [{"key": "mlflow.user", "value": spec["user"]},
                         {"key": "mlflow.runName", "value": name},
                         {"key": "mlflow.source.type", "value": "NOTEBOOK"},
                         {"key": "mlflow.source.name", "value": f"/home/sagemaker-user/{model}/train.ipynb"},
                         {"key": "mlflow.source.git.commit", "value": rand_hex(rng, 40)}]},
            "inputs": {}}})

    def write(self):
        for at in MLFLOW_SNAPSHOTS:
            d = self.out / "snapshots" / f"{at:%Y%m%dT%H%M%SZ}"
            registered, versions = [], []
            for name, m in MLFLOW_MODELS.items():
                if m["created"] > at:
                    continue
                mvs = {}
                last = m["created"]
                for number, spec in m["versions"].items():
                    if spec["created"] > at:
                        continue
                    mv, changed = self.version_at(name, number, spec, at)
                    mvs[number] = mv
                    last = max(last, changed)
                    write_api(d / "runs-get" / f"{mv['run_id']}.json", self.run(name, number, spec))
                aliases = []
                for alias, moves in sorted(m["aliases"].items()):
                    current = [(t, v) for t, v in moves if t <= at]
                    if current:
                        aliases.append({"alias": alias, "version": str(current[-1][1])})
                        last = max(last, current[-1][0])
                latest = {}
                for number, mv in sorted(mvs.items()):
                    latest[mv["current_stage"]] = mv
                rm = {"name": name, "creation_timestamp": ms(m["created"]), "last_updated_timestamp": ms(last),
                      "description": m["description"], "latest_versions": [latest[s] for s in sorted(latest)],
                      "tags": [{"key": k, "value": v} for k, v in m["tags"].items()]}
                if aliases:
                    rm["aliases"] = aliases
                registered.append(rm)
                write_api(d / "registered-models-get" / f"{q(name)}.json", {"registered_model": rm})
                versions += [mvs[n] for n in sorted(mvs, reverse=True)]
            write_api(d / "registered-models-search.json", {"registered_models": registered})
            write_api(d / "model-versions-search.json", {"model_versions": versions})
            write_api(d / "_capture.json", {"captured_at": iso_api(at + timedelta(seconds=4)), "tracking_uri": MLFLOW_URI})
