/*---
id: mlflow_production_without_dataset_input
title: MLflow model versions in production record the datasets they were trained on
severity: high
kind: posture
frameworks:
  soc2: [CC8.1]
  iso27001: [A.8.32]
  eu_ai_act: [Art.10, Art.11]
  iso42001: [A.7.5, A.6.2.7]
  nist_ai_rmf: [MEASURE 2.8]
requires: [mlflow_model_version_runs]
params: [period_end, production_aliases, production_stages]
description: >
  Evaluates every MLflow model version in production in the registry snapshot that shows the state at the end of the
  period (the latest snapshot taken at or before the period end, or the first one after it when there is none),
  in production as mlflow_production_without_approval decides: one of policy.production_aliases or a stage in
  policy.production_stages, compared without regard to case. A version passes when the run it names (runs/get in
  the same snapshot) logged at least one dataset input (mlflow.log_input: name, digest, source), whatever its
  context; the datasets are listed as evidence. It fails when the run logged none, when the version was registered
  without a run, or when the server no longer has the run (RESOURCE_DOES_NOT_EXIST): the data the model learned
  from cannot be traced. It is info when the snapshot holds no runs/get answer for the run (taken before runs were
  captured).
remediation: >
  Log the training (and evaluation) datasets on the run with mlflow.log_input(mlflow.data.from_...(...),
  context="training") in the training pipeline, so that each version records the name, digest and source of its
  data; register versions only from such runs and keep those runs. Retrain and re-register a version whose data
  cannot be traced.
---*/
with production as (
    select v.*,
        (select list(a order by a) from unnest(v.alias_list) t(a)
          where lower(a) in (select lower(p) from unnest($production_aliases::VARCHAR[]) q(p))) as prod_aliases,
        lower(v.current_stage) in (select lower(s) from unnest($production_stages::VARCHAR[]) q(s)) as prod_stage
    from mlflow_model_version_runs v
    where $period_end >= v.state_from and $period_end < v.state_until
),
judged as (
    select *,
        concat_ws(' and ',
            case when array_length(prod_aliases) > 0 then format('production alias{} {}',
                 case when array_length(prod_aliases) > 1 then 'es' else '' end, array_to_string(prod_aliases, ', ')) end,
            case when prod_stage then format('stage {}', current_stage) end) as how,
        strftime(snapshot_at, '%Y-%m-%dT%H:%M:%SZ') as snap,
        case when json_array_length(dataset_inputs) > 0 then  -- NULL without any, as an aggregate over none is
            list_transform(from_json(dataset_inputs, '["JSON"]'),
                lambda d: format('{} ({}{})', coalesce(json_extract_string(d, '$.name'), 'unnamed'),
                                 coalesce(json_extract_string(d, '$.source_type'), 'unknown source'),
                                 coalesce(', ' || json_extract_string(d, '$.context'), ''))) end as datasets
    from production
    where array_length(prod_aliases) > 0 or prod_stage
)
select
    format('models:/{}/{}', model_name, version) as resource,
    case when run_state = 'found' and dataset_input_count > 0 then 'pass'
         when run_state = 'not_captured' then 'info'
         else 'fail' end as status,
    case run_state
        when 'found' then case when dataset_input_count > 0 then format(
            'Model {} version {} holds {} in the MLflow snapshot of {}; its run {} logged {} dataset input{}: {}.',
            model_name, version, how, snap, run_id, dataset_input_count,
            case when dataset_input_count > 1 then 's' else '' end, array_to_string(datasets, '; '))
            else format(
            'Model {} version {} holds {} in the MLflow snapshot of {}, but its run {} logged no dataset input, so '
            || 'the data it was trained on cannot be traced.', model_name, version, how, snap, run_id) end
        when 'no_run_id' then format(
            'Model {} version {} holds {} in the MLflow snapshot of {} but was registered without a run, so the data '
            || 'it was trained on cannot be traced.', model_name, version, how, snap)
        when 'not_found' then format(
            'Model {} version {} holds {} in the MLflow snapshot of {}, but its run {} no longer exists on the '
            || 'tracking server ({}), so the data it was trained on cannot be traced.',
            model_name, version, how, snap, run_id, run_error_code)
        else format(
            'Model {} version {} holds {} in the MLflow snapshot of {}, but the snapshot holds no answer for its run '
            || '{}, so its dataset inputs cannot be judged.', model_name, version, how, snap, run_id)
    end as reason,
    model_name,
    version,
    prod_aliases as production_aliases,
    current_stage,
    run_id,
    run_state,
    dataset_input_count,
    dataset_inputs,
    snapshot_at,
    tracking_uri,
    run_source_key
from judged
order by model_name, version
