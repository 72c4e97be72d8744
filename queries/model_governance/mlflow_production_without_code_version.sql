/*---
id: mlflow_production_without_code_version
title: MLflow model versions in production record the code version they were trained from
severity: high
kind: posture
frameworks:
  soc2: [CC8.1]
  iso27001: [A.8.32]
  eu_ai_act: [Art.11, Art.17]
  iso42001: [A.6.2.7]
  nist_ai_rmf: [MEASURE 2.8]
requires: [mlflow_model_version_runs]
params: [period_end, production_aliases, production_stages]
description: >
  Evaluates every MLflow model version in production in the registry snapshot that shows the state at the end of the
  period (the latest snapshot taken at or before the period end, or the first one after it when there is none),
  in production as mlflow_production_without_approval decides: one of policy.production_aliases or a stage in
  policy.production_stages, compared without regard to case. A version passes when the run it names (runs/get in
  the same snapshot) carries a non-blank mlflow.source.git.commit tag: the commit of the training code, which MLflow
  records by itself when a run starts from a git checkout. It fails when the run has no such tag (a notebook or a
  script outside git, mlflow.source.name and mlflow.source.type are shown as evidence), when the version was
  registered without a run, or when the server no longer has the run (RESOURCE_DOES_NOT_EXIST). It is info when the
  snapshot holds no runs/get answer for the run (taken before runs were captured): the run cannot be judged.
remediation: >
  Train production models from a committed git checkout (MLflow then tags the run with mlflow.source.git.commit, or
  set the tag in the training pipeline), register versions from such runs only, and keep the runs of registered
  versions: do not delete them. Retrain and re-register a version whose code cannot be traced.
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
        strftime(snapshot_at, '%Y-%m-%dT%H:%M:%SZ') as snap
    from production
    where array_length(prod_aliases) > 0 or prod_stage
)
select
    format('models:/{}/{}', model_name, version) as resource,
    case when run_state = 'found' and git_commit is not null then 'pass'
         when run_state = 'not_captured' then 'info'
         else 'fail' end as status,
    case run_state
        when 'found' then case when git_commit is not null then format(
            'Model {} version {} holds {} in the MLflow snapshot of {}; its run {} was trained from git commit {}.',
            model_name, version, how, snap, run_id, git_commit)
            else format(
            'Model {} version {} holds {} in the MLflow snapshot of {}, but its run {} records no code version (no '
            || 'mlflow.source.git.commit tag; source {} of type {}), so the code it was trained from cannot be traced.',
            model_name, version, how, snap, run_id, coalesce(source_name, 'not recorded'),
            coalesce(source_type, 'not recorded')) end
        when 'no_run_id' then format(
            'Model {} version {} holds {} in the MLflow snapshot of {} but was registered without a run, so the code '
            || 'it was trained from cannot be traced.', model_name, version, how, snap)
        when 'not_found' then format(
            'Model {} version {} holds {} in the MLflow snapshot of {}, but its run {} no longer exists on the '
            || 'tracking server ({}), so the code it was trained from cannot be traced.',
            model_name, version, how, snap, run_id, run_error_code)
        else format(
            'Model {} version {} holds {} in the MLflow snapshot of {}, but the snapshot holds no answer for its run '
            || '{}, so its code version cannot be judged.', model_name, version, how, snap, run_id)
    end as reason,
    model_name,
    version,
    prod_aliases as production_aliases,
    current_stage,
    run_id,
    run_state,
    git_commit,
    source_name,
    source_type,
    run_user_id,
    snapshot_at,
    tracking_uri,
    run_source_key
from judged
order by model_name, version
