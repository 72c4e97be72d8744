"""The models in production in the period, from the lake once the checks have run (``figures["models"]``): what each
serves from, where it came from, and what happened to it, each fact with the lake table and source key behind it.

SageMaker: every production variant of a captured endpoint (``sagemaker_deployments``, the latest capture per
endpoint and variant), with its endpoint config, model, model package (``sagemaker_model_packages_current``), the
training job that wrote the package's artefact or that its GeneratedBy names, and that job's input channels. Its
history is CloudTrail's: the package's registration and approval-status changes (``sagemaker_model_package_events``)
and the endpoint's successful CreateEndpoint / UpdateEndpoint / DeleteEndpoint calls (``cloudtrail_events_unique``),
each with who made it. Events after the period end are left out; events before it are kept (an approval may
precede the period).

MLflow: every model version in production in the registry snapshot that shows the state at the period end (an alias
in ``policy.production_aliases`` or a stage in ``policy.production_stages``, compared without case, as the checks
do), with its run, the run's code version and dataset inputs (``mlflow_model_version_runs``, ``mlflow_run_inputs``).
Its history is ``mlflow_registry_changes``: each change lies between two dated snapshots, and MLflow records no actor.

Nothing here judges: the findings that name a model come from the checks (:mod:`.model_cards`).
"""

from __future__ import annotations

from datetime import datetime

import duckdb

DEPLOYED_SQL = """
with deployed as (
    select * from sagemaker_deployments
    qualify row_number() over (partition by account_id, region, endpoint_name, variant_name
                               order by captured_at desc nulls last, source_key) = 1
),
jobs as (
    select p.model_package_arn, j.*
    from sagemaker_model_packages_current p
    join sagemaker_training_jobs j
      on j.account_id = p.account_id and j.region = p.region
     and (j.model_artifacts = p.model_data_url or j.training_job_arn = p.generated_by)
    qualify row_number() over (partition by p.model_package_arn
                               order by (j.model_artifacts = p.model_data_url) desc, j.captured_at desc nulls last) = 1
)
select d.account_id, d.region, d.endpoint_name, d.endpoint_arn, d.endpoint_status, d.endpoint_config_name,
    d.variant_name, d.model_name, d.model_arn, d.model_package_arn, d.image, d.model_data_url,
    d.endpoint_last_modified_time, d.captured_at, d.source_key as deployment_key,
    (select first(c.source_key order by c.captured_at desc) from sagemaker_endpoint_configs c
      where c.account_id = d.account_id and c.region = d.region
        and c.endpoint_config_name = d.endpoint_config_name) as config_key,
    (select first(m.source_key order by m.captured_at desc) from sagemaker_models m
      where m.account_id = d.account_id and m.region = d.region and m.model_name = d.model_name) as model_key,
    p.model_package_arn is not null as package_captured, p.model_approval_status, p.creation_time as package_created,
    p.model_data_url as package_data_url, p.generated_by, p.source_key as package_key,
    j.training_job_name, j.training_job_arn, coalesce(j.training_image, j.algorithm_name) as training_image,
    j.creation_time as training_created, j.source_key as training_key,
    (select list({'channel': i.channel_name, 'uri': coalesce(i.s3_uri, i.data_source_type),
                  'key': i.source_key} order by i.channel_name)
       from sagemaker_training_job_inputs i
      where i.account_id = j.account_id and i.region = j.region and i.training_job_name = j.training_job_name
    ) as training_inputs
from deployed d
left join sagemaker_model_packages_current p on p.model_package_arn = d.model_package_arn
left join jobs j on j.model_package_arn = d.model_package_arn
order by d.account_id, d.region, d.endpoint_name, d.variant_name
"""

PACKAGE_EVENTS_SQL = """
select model_package_arn, event_time, event_name, model_approval_status, identity,
    json_extract_string(request_parameters, '$.approvalDescription') as note, event_id, source_key, record_index
from sagemaker_model_package_events
where model_package_arn in (select unnest($packages::VARCHAR[])) and event_time < $period_end
  and (event_name = 'CreateModelPackage' or model_approval_status is not null)
order by event_time, event_id
"""

ENDPOINT_EVENTS_SQL = """
select recipient_account_id as account_id, aws_region as region,
    json_extract_string(request_parameters, '$.endpointName') as endpoint_name, event_time, event_name,
    json_extract_string(request_parameters, '$.endpointConfigName') as endpoint_config_name,
    user_type, session_name, actor_arn, principal_arn, event_id, source_key, record_index
from cloudtrail_events_unique
where event_source = 'sagemaker.amazonaws.com' and error_code is null
  and event_name in ('CreateEndpoint', 'UpdateEndpoint', 'DeleteEndpoint')
  and json_extract_string(request_parameters, '$.endpointName') in (select unnest($endpoints::VARCHAR[]))
  and event_time < $period_end
order by event_time, event_id
"""

MLFLOW_PRODUCTION_SQL = """
select v.model_name, v.version, v.current_stage, v.alias_list, v.snapshot_at, v.tracking_uri, v.creation_time,
    v.tags, v.source as artifact_source, v.run_id, v.run_state, v.run_error_code, v.git_commit, v.source_name,
    v.source_type, v.dataset_input_count, v.run_source_key, v.source_key,
    (select r.user_id from mlflow_runs r where r.snapshot_at = v.snapshot_at and r.run_id = v.run_id
      limit 1) as run_user,
    (select list({'name': i.dataset_name, 'digest': i.digest, 'context': i.context,
                  'uri': coalesce(json_extract_string(i.source, '$.uri'), i.source), 'key': i.source_key}
                 order by i.context, i.dataset_name)
       from mlflow_run_inputs i where i.snapshot_at = v.snapshot_at and i.run_id = v.run_id) as inputs,
    list_filter(v.alias_list, lambda a: list_contains($production_aliases::VARCHAR[], lower(a))) as production_aliases
from mlflow_model_version_runs v
where $period_end >= v.state_from and $period_end < v.state_until
  and (len(list_filter(v.alias_list, lambda a: list_contains($production_aliases::VARCHAR[], lower(a)))) > 0
       or list_contains($production_stages::VARCHAR[], lower(v.current_stage)))
order by v.model_name, v.version
"""

MLFLOW_CHANGES_SQL = """
select model_name, version, change, field, old_value, new_value, observed_after, observed_before
from mlflow_registry_changes
where observed_before < $period_end
order by model_name, version, observed_before, change, field
"""


def _rows(con, sql: str, params: dict) -> list[dict]:
    cur = con.execute(sql, params)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def who(row: dict) -> str:
    """How a CloudTrail caller is named on a timeline: the role session (a person's name) with its role, or the
    principal."""
    if row.get("user_type") == "AssumedRole" and row.get("session_name"):
        return f"{row['session_name']} (role {row.get('actor_arn') or row.get('principal_arn') or 'unknown'})"
    return row.get("principal_arn") or row.get("actor_arn") or "an unidentified principal"


def _has(con, *names: str) -> bool:
    """Whether every lake table and shared view named is on ``con`` (a catalogue of one's own may lack a view)."""
    for name in names:
        try:
            con.execute(f"select 1 from {name} limit 0")
        except duckdb.Error:
            return False
    return True


def _package_event(e: dict) -> dict:
    status = e["model_approval_status"]
    if e["event_name"] == "CreateModelPackage":
        kind = "registered" if status != "Approved" else "registered_approved"
    else:
        kind = {"Approved": "approved", "Rejected": "rejected"}.get(status, "approval_withdrawn")
    return {"kind": kind, "at": e["event_time"], "actor": e["identity"],
            "detail": f"{e['event_name']}: status {status}" + (f" ({e['note']})" if e["note"] else ""),
            "event_id": e["event_id"], "table": "cloudtrail_events", "source_key": e["source_key"],
            "record_index": e["record_index"]}


def _endpoint_event(e: dict, serving_config: str | None) -> dict:
    kind = "deleted" if e["event_name"] == "DeleteEndpoint" else "deployed"
    cfg = e["endpoint_config_name"]
    detail = f"{e['event_name']} {e['endpoint_name']}" + (f" with config {cfg}" if cfg else "")
    if kind == "deployed" and cfg and cfg != serving_config:
        kind, detail = "deployed_other", detail + " (another config than the one serving this model at capture)"
    return {"kind": kind, "at": e["event_time"], "actor": who(e), "detail": detail,
            "event_id": e["event_id"], "table": "cloudtrail_events", "source_key": e["source_key"],
            "record_index": e["record_index"]}


def sagemaker_models(con, period) -> list[dict]:
    if not _has(con, "sagemaker_deployments", "sagemaker_model_packages_current", "sagemaker_training_jobs",
                "sagemaker_training_job_inputs", "sagemaker_endpoint_configs", "sagemaker_models",
                "sagemaker_model_package_events", "cloudtrail_events_unique"):
        return []
    deployed = _rows(con, DEPLOYED_SQL, {})
    if not deployed:
        return []
    packages = sorted({d["model_package_arn"] for d in deployed if d["model_package_arn"]})
    endpoints = sorted({d["endpoint_name"] for d in deployed if d["endpoint_name"]})
    pkg_events = _rows(con, PACKAGE_EVENTS_SQL, {"packages": packages, "period_end": period.end})
    ep_events = _rows(con, ENDPOINT_EVENTS_SQL, {"endpoints": endpoints, "period_end": period.end})
    out = []
    for d in deployed:
        pkg = d["model_package_arn"]
        events = [_package_event(e) for e in pkg_events if pkg and e["model_package_arn"] == pkg]
        events += [_endpoint_event(e, d["endpoint_config_name"]) for e in ep_events
                   if e["endpoint_name"] == d["endpoint_name"] and e["account_id"] == d["account_id"]
                   and e["region"] == d["region"]]  # fmt: skip
        if pkg and d["package_created"] is not None and not any(e["kind"].startswith("registered") for e in events):
            events.append({"kind": "registered", "at": d["package_created"], "actor": None,
                           "detail": "CreationTime in the registry; no CreateModelPackage event in the loaded "
                                     "CloudTrail logs (registered before them), so who registered it is not recorded",
                           "event_id": None, "table": "sagemaker_model_packages", "source_key": d["package_key"],
                           "record_index": None})  # fmt: skip
        if not any(e["kind"] == "deployed" for e in events) and d["endpoint_last_modified_time"] is not None:
            events.append({"kind": "deployed", "at": d["endpoint_last_modified_time"], "actor": None,
                           "detail": f"endpoint {d['endpoint_name']} last modified (the capture's LastModifiedTime; no "
                                     "deployment call in the loaded CloudTrail logs)", "event_id": None,
                           "table": "sagemaker_deployments", "source_key": d["deployment_key"],
                           "record_index": None})  # fmt: skip
        events.sort(key=lambda e: (e["at"] or datetime.min, e["kind"]))
        out.append({**d, "platform": "sagemaker", "events": events})
    return out


def mlflow_models(con, period, params: dict) -> list[dict]:
    if not _has(con, "mlflow_model_version_runs", "mlflow_runs", "mlflow_run_inputs", "mlflow_registry_changes"):
        return []
    versions = _rows(con, MLFLOW_PRODUCTION_SQL, {
        "period_end": period.end,  # both compared without case, as MLflow normalises stage names
        "production_aliases": [str(a).lower() for a in params.get("production_aliases") or []],
        "production_stages": [str(s).lower() for s in params.get("production_stages") or []]})  # fmt: skip
    if not versions:
        return []
    changes = _rows(con, MLFLOW_CHANGES_SQL, {"period_end": period.end})
    out = []
    for v in versions:
        events = [{"kind": "registered", "at": v["creation_time"], "actor": None,
                   "detail": f"version {v['version']} created (its creation time in the registry)", "event_id": None,
                   "table": "mlflow_model_versions", "source_key": v["source_key"], "record_index": None}]
        for c in changes:
            if c["model_name"] != v["model_name"] or c["version"] != v["version"] or c["change"] == "version_created":
                continue
            what = {"alias_set": "alias {field} set to v{new}", "alias_moved": "alias {field} moved v{old} -> v{new}",
                    "alias_removed": "alias {field} removed (was v{old})", "stage_changed": "stage {old} -> {new}",
                    "tag_set": "tag {field} = {new}", "tag_changed": "tag {field}: {old} -> {new}",
                    "tag_removed": "tag {field} removed (was {old})"}.get(c["change"], c["change"])  # fmt: skip
            events.append({"kind": f"mlflow_{c['change']}", "at": c["observed_before"],
                           "since": c["observed_after"], "actor": None,
                           "detail": what.format(field=c["field"], old=c["old_value"], new=c["new_value"]),
                           "field": c["field"], "new_value": c["new_value"], "event_id": None,
                           "table": "mlflow_registry_changes", "source_key": None, "record_index": None})
        events.sort(key=lambda e: (e["at"] or datetime.min, e["kind"]))
        out.append({**v, "platform": "mlflow", "events": events})
    return out


def collect(con, period, params: dict | None = None) -> list[dict]:
    """Every model in production in ``period``: SageMaker first, then MLflow, each in a stable order."""
    return sagemaker_models(con, period) + mlflow_models(con, period, params or {})
