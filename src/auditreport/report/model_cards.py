"""One card per model in production (from ``result.figures["models"]``, see :mod:`.models`): its provenance chain,
each link with the lake table and source key behind it or "not recorded" with why that matters, its history as a
timeline (:mod:`.timeline`), and the findings of any check that name it.

A finding names a model when one of its failing row's values (or list items) is the model's package ARN, endpoint
name or ARN, or SageMaker model name (in the same account and region when the row says which), or, for MLflow, when
the row's model_name and version (or new_version) are the version's. A timeline event is the finding's own event
when the row carries the event's CloudTrail event id (event_id, approval_event_id, ...), or, for an MLflow registry
change, the same field and observation time.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from .values import display_text, human_utc

MISSING_WHY = {
    "package": "the model was not built from a Model Registry package, so no registry approval covers what serves "
               "traffic and the artefact's origin cannot be shown",
    "package_not_captured": "the package is not among the captured registry packages, so its status and origin "
                            "cannot be verified",
    "training_job": "no captured training job wrote the package's artefact and its GeneratedBy names none: which "
                    "job, data and code produced the model serving traffic cannot be shown",
    "data": "the training job records no S3 input channel: the data the model learnt from cannot be shown",
    "code": "the training job records no training image or algorithm: the code that trained the model cannot be "
            "shown",
    "config": "the endpoint config was not captured, so what the endpoint was told to serve is unconfirmed",
    "model": "the SageMaker model was not captured, so its container and execution role are unconfirmed",
    "approval": "no approval is recorded: nothing shows the model was reviewed before it served",
    "deployment": "no CreateEndpoint or UpdateEndpoint call is in the loaded CloudTrail logs (the endpoint was "
                  "deployed before them), so who deployed it and when come from the capture only",
    "mlflow_serving": "the MLflow registry records which version holds a production alias or stage, not where it "
                      "is served: the serving side must be evidenced elsewhere",
    "mlflow_run": "the version's run cannot be read, so its data, code and author cannot be shown",
    "mlflow_data": "the run logged no dataset input (mlflow.log_input): the data the model learnt from cannot be "
                   "shown",
    "mlflow_code": "the run has no mlflow.source.git.commit tag: the code cannot be pinned to a commit",
    "mlflow_approval": "no approval tag (policy.approval_tags) is set: nothing records that the version was reviewed",
}
RUN_STATE = {"not_found": "the server answered RESOURCE_DOES_NOT_EXIST (deleted or purged)",
             "no_run_id": "the version was registered without a run", "not_captured": "no runs/get answer captured"}


@dataclass
class Link:
    step: str  # what the link is: Endpoint, Model package, Training job, Data, Code, ...
    value: str | None  # what it points to; None: not recorded
    evidence: str | None  # lake table and source key behind it
    why: str | None = None  # when not recorded: why that matters


@dataclass
class Violation:
    check_id: str
    anchor: str
    title: str
    severity: str
    rows: int
    reason: str | None
    event_ids: set = field(default_factory=set)


@dataclass
class ModelCard:
    anchor: str
    platform: str  # sagemaker | mlflow
    title: str
    subtitle: str
    links: list[Link]
    events: list[dict]  # the timeline's events, each with "violations": [check ids]
    violations: list[Violation]
    actor_note: str  # where the actors come from (or that there are none)
    timeline: object = None  # inline SVG (Markup), set by the view

    @property
    def missing(self) -> list[Link]:
        return [x for x in self.links if x.value is None]


def _key(table: str, key: str | None) -> str | None:
    return f"{table}: {key}" if key else None


def _approval_now(m: dict) -> str:
    if not m["model_package_arn"] or not m["package_captured"]:
        return ""
    if m["model_approval_status"] == "Approved":
        return ("; the registry shows Approved now: the approval predates the loaded logs, so who approved it and when "
                "is not recorded")
    return f"; the registry shows {m['model_approval_status']} now"


def _sagemaker_links(m: dict, events: list[dict]) -> list[Link]:
    place = f"{m['account_id']}/{m['region']}"
    links = [Link("Endpoint", f"{m['endpoint_name']} ({m['endpoint_status']}, variant {m['variant_name']}, {place})",
                  _key("sagemaker_deployments", m["deployment_key"])),
             Link("Endpoint config", m["endpoint_config_name"] if m["config_key"] else None,
                  _key("sagemaker_endpoint_configs", m["config_key"]), MISSING_WHY["config"]),
             Link("Model", m["model_name"] if m["model_key"] else None, _key("sagemaker_models", m["model_key"]),
                  MISSING_WHY["model"])]
    if not m["model_package_arn"]:
        links.append(Link("Model package", None, _key("sagemaker_deployments", m["deployment_key"]),
                          MISSING_WHY["package"] + f" (image {m['image']}, artefact {m['model_data_url']})"))
    elif not m["package_captured"]:
        links.append(Link("Model package", None, None,
                          f"{m['model_package_arn']}: " + MISSING_WHY["package_not_captured"]))
    else:
        links.append(Link("Model package", f"{m['model_package_arn']} ({m['model_approval_status']})",
                          _key("sagemaker_model_packages", m["package_key"])))
    if m["model_package_arn"] and m["package_captured"]:
        if m["training_job_name"]:
            links.append(Link("Training job", m["training_job_name"],
                              _key("sagemaker_training_jobs", m["training_key"])))
            inputs = m["training_inputs"] or []
            links.append(Link("Data", ", ".join(f"{i['channel']}: {i['uri']}" for i in inputs) or None,
                              _key("sagemaker_training_job_inputs", inputs[0]["key"]) if inputs else None,
                              MISSING_WHY["data"]))
            links.append(Link("Code", f"training image {m['training_image']} (SageMaker records no git commit for a "
                                      "training job)" if m["training_image"] else None,
                              _key("sagemaker_training_jobs", m["training_key"]), MISSING_WHY["code"]))
        else:
            why = (MISSING_WHY["training_job"] + f" (artefact {m['package_data_url']}, GeneratedBy "
                   f"{m['generated_by'] or 'not set'})")
            links += [Link("Training job", None, None, why),
                      Link("Data", None, None, "no training job, so no training data: " + MISSING_WHY["data"]),
                      Link("Code", None, None, "no training job, so no training code: " + MISSING_WHY["code"])]
    approvals = [e for e in events if e["kind"] in ("approved", "registered_approved")]
    status = m["model_approval_status"]
    now = "" if status in (None, "Approved") else f" (the registry shows {status} now)"
    links.append(Link("Approval", "; ".join(f"{human_utc(e['at'])} by {e['actor']}" for e in approvals) + now
                      if approvals else None,
                      "cloudtrail_events (sagemaker_approval_events)" if approvals else None,
                      MISSING_WHY["approval"] + _approval_now(m)))
    deploys = [e for e in events if e["kind"] == "deployed" and e["table"] == "cloudtrail_events"]
    links.append(Link("Deployment", "; ".join(f"{human_utc(e['at'])} by {e['actor']}" for e in deploys) or None,
                      "cloudtrail_events (CreateEndpoint / UpdateEndpoint)" if deploys else None,
                      MISSING_WHY["deployment"] + f" (last modified {human_utc(m['endpoint_last_modified_time'])})"))
    return links


def _mlflow_links(m: dict, approval_tags: list[str]) -> list[Link]:
    how = ", ".join(filter(None, [("alias " + ", ".join(m["production_aliases"])) if m["production_aliases"] else "",
                                  f"stage {m['current_stage']}" if m["current_stage"] not in (None, "None") else ""]))
    tags = m["tags"] if isinstance(m["tags"], dict) else json.loads(m["tags"] or "{}")
    approvals = [f"{t}={tags[t]}" for t in approval_tags if str(tags.get(t) or "").strip()]
    found = m["run_state"] == "found"
    inputs = m["inputs"] or []
    return [
        Link("Registered version", f"models:/{m['model_name']}/{m['version']} ({how}; snapshot "
                                   f"{human_utc(m['snapshot_at'])})", _key("mlflow_model_versions", m["source_key"])),
        Link("Serving", None, None, MISSING_WHY["mlflow_serving"]),
        Link("Run", f"{m['run_id']} (by {m['run_user'] or 'no user recorded'})" if found else None,
             _key("mlflow_runs", m["run_source_key"]),
             MISSING_WHY["mlflow_run"] + f": {RUN_STATE.get(m['run_state'], m['run_state'])}"),
        Link("Data", "; ".join(f"{i['name']} ({i['context']}, digest {i['digest']}): {i['uri']}"
                               for i in inputs) or None,
             _key("mlflow_run_inputs", inputs[0]["key"]) if inputs else None, MISSING_WHY["mlflow_data"]),
        Link("Code", f"git commit {m['git_commit']}" + (f" of {m['source_name']}" if m["source_name"] else "")
             if m["git_commit"] else None, _key("mlflow_runs", m["run_source_key"]) if m["git_commit"] else None,
             MISSING_WHY["mlflow_code"] + (f" (source {m['source_name']})" if m["source_name"] else "")),
        Link("Approval", ", ".join(approvals) + " (a tag: MLflow records who set it nowhere)" if approvals else None,
             _key("mlflow_model_versions", m["source_key"]) if approvals else None, MISSING_WHY["mlflow_approval"]),
    ]


def _values(row: dict):
    for v in row.values():
        if isinstance(v, (list, tuple)):
            yield from v
        else:
            yield v


def _names(m: dict, row: dict) -> bool:
    if m["platform"] == "mlflow":
        return str(row.get("model_name")) == m["model_name"] and str(m["version"]) in (
            str(row.get("version")), str(row.get("new_version")))
    if row.get("account_id") not in (None, m["account_id"]) or row.get("region") not in (None, m["region"]):
        return False
    ids = {m[k] for k in ("model_package_arn", "endpoint_name", "endpoint_arn", "model_name", "model_arn") if m.get(k)}
    resource = str(row.get("resource") or "").split(" (")[0]
    return resource in ids or any(isinstance(v, str) and v in ids for v in _values(row))


def _event_ids(row: dict) -> set:
    out = set()
    for k, v in row.items():
        if k.endswith("event_id") or k.endswith("event_ids"):
            out |= set(v) if isinstance(v, (list, tuple)) else {v}
    return {x for x in out if x}


def violations(m: dict, result) -> list[Violation]:
    out = []
    for cr in result.checks:
        rows = [r for r in cr.failing_rows if _names(m, r)]
        if rows:
            ids = set().union(*(_event_ids(r) for r in rows))
            marks = {(r.get("field"), r.get("observed_before")) for r in rows if r.get("observed_before")}
            ids |= {f"mlflow:{f}@{t}" for f, t in marks}
            out.append(Violation(cr.check.id, f"check-{cr.check.id}", cr.check.title, cr.check.severity, len(rows),
                                 display_text(rows[0].get("reason"), 240), ids))
    return out


def _event_key(e: dict) -> str | None:
    if e.get("event_id"):
        return e["event_id"]
    if e["kind"].startswith("mlflow_"):
        return f"mlflow:{e.get('field')}@{e['at']}"
    return None


def anchor(*parts) -> str:
    """An HTML id from names that may hold any character."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", "-".join(str(p) for p in parts))


def card(m: dict, result, approval_tags: list[str]) -> ModelCard:
    vs = violations(m, result)
    events = [{**e, "violations": [v.check_id for v in vs if _event_key(e) in v.event_ids]} for e in m["events"]]
    if m["platform"] == "sagemaker":
        pkg = m["model_package_arn"]
        title = f"{m['endpoint_name']} ← {pkg.rsplit('model-package/', 1)[-1] if pkg else m['model_name']}"
        return ModelCard(anchor("model-sm", m["account_id"], m["region"], m["endpoint_name"], m["variant_name"]),
                         "sagemaker", title, f"SageMaker endpoint in {m['account_id']}/{m['region']}, variant "
                         f"{m['variant_name']}", _sagemaker_links(m, events), events, vs,
                         "Who: the caller CloudTrail recorded (role session and role); a point without one comes from "
                         "a registry or endpoint capture, which records no actor.")  # fmt: skip
    return ModelCard(anchor("model-mlflow", m["model_name"], m["version"]), "mlflow",
                     f"{m['model_name']} v{m['version']}",
                     f"MLflow model version on {m['tracking_uri'] or 'an unnamed tracking server'}",
                     _mlflow_links(m, approval_tags), events, vs,
                     "MLflow records no actor for registry changes: no point has a who. Each change lies between two "
                     "dated snapshots (drawn as a bar); the version's creation time is the registry's "
                     "own.")  # fmt: skip


def model_cards(result) -> list[ModelCard]:
    """A card per model the run found in production, with its timeline drawn; none when the lake had none."""
    from .timeline import model_timeline

    approval_tags = list(result.policy.get("approval_tags") or [])
    cards = [card(m, result, approval_tags) for m in result.figures.get("models", [])]
    for c in cards:
        c.timeline = model_timeline(c, result.period.start, result.period.end)
    return cards
