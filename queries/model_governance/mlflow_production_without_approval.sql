/*---
id: mlflow_production_without_approval
title: MLflow model versions in production carry an approval tag
severity: critical
kind: posture
frameworks:
  soc2: [CC8.1]
  iso27001: [A.8.32]
  eu_ai_act: [Art.17]
  iso42001: [A.6.2.5]
  nist_ai_rmf: [MANAGE 1.1, MEASURE 2.8]
requires: [mlflow_model_versions_as_of]
params: [period_end, production_aliases, production_stages, approval_tags]
description: >
  Evaluates every MLflow model version that is in production in the registry snapshot that shows the state at the
  end of the period: the latest snapshot taken at or before the period end (or, when there is none, the first one
  after it, which the reason then names). A version is in production when it holds one of the aliases in
  policy.production_aliases or its stage is one of policy.production_stages (both compared without regard to case,
  as MLflow normalises stage names). It passes when one of the tags in policy.approval_tags is set to a non-empty
  value. MLflow records no approver identity and no time for a tag, so this shows only that an approval was
  recorded, not who gave it; the approver named in the tag must be checked against the approval process.
remediation: >
  Record the approval on the version (mlflow client set_model_version_tag(name, version, "approved_by", approver))
  after the review, or move the production alias back to an approved version. Let only the deployment pipeline
  move production aliases, and have it refuse versions without an approval tag.
---*/
with versions as (
    select v.*,
        (select list(a order by a) from unnest(v.alias_list) t(a)
          where lower(a) in (select lower(p) from unnest($production_aliases::VARCHAR[]) q(p))) as prod_aliases,
        lower(v.current_stage) in (select lower(s) from unnest($production_stages::VARCHAR[]) q(s)) as prod_stage,
        nullif(list_transform(  -- the tags set, in tag order (NULL without any, as an aggregate over none is)
                   list_filter(list_sort($approval_tags::VARCHAR[]),
                               lambda t: nullif(trim(json_extract_string(v.tags, '$."' || t || '"')), '') is not null),
                   lambda t: format('{}={}', t, json_extract_string(v.tags, '$."' || t || '"'))), []) as approval_tags_set
    from mlflow_model_versions_as_of v
    where $period_end >= v.state_from and $period_end < v.state_until
),
production as (
    select *,
        concat_ws(' and ',
            case when array_length(prod_aliases) > 0 then
                 format('production alias{} {}', case when array_length(prod_aliases) > 1 then 'es' else '' end,
                        array_to_string(prod_aliases, ', ')) end,
            case when prod_stage then format('stage {}', current_stage) end) as how
    from versions
    where array_length(prod_aliases) > 0 or prod_stage
)
select
    format('models:/{}/{}', model_name, version) as resource,
    case when array_length(coalesce(approval_tags_set, [])) > 0 then 'pass' else 'fail' end as status,
    case when array_length(coalesce(approval_tags_set, [])) > 0 then format(
            'Model {} version {} holds {} in the MLflow snapshot of {} and carries the approval tag {}; MLflow records '
            || 'no approver identity, so only the tag''s presence is verifiable, not who set it.',
            model_name, version, how, strftime(snapshot_at, '%Y-%m-%dT%H:%M:%SZ'), array_to_string(approval_tags_set, ', '))
         else format(
            'Model {} version {} holds {} in the MLflow snapshot of {} but carries none of the approval tags ({}); '
            || 'MLflow records no approver identity, so the tag is the only verifiable record of an approval.',
            model_name, version, how, strftime(snapshot_at, '%Y-%m-%dT%H:%M:%SZ'),
            array_to_string($approval_tags::VARCHAR[], ', '))
    end as reason,
    model_name,
    version,
    prod_aliases as production_aliases,
    current_stage,
    approval_tags_set,
    tags,
    run_id,
    source,
    snapshot_at,
    tracking_uri
from production
order by model_name, version
