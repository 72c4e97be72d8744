/*---
id: mlflow_approval_without_reference
title: Approvals of MLflow production versions cite a ticket
severity: medium
kind: posture
frameworks:
  soc2: [CC8.1]
  iso27001: [A.8.32]
  eu_ai_act: [Art.17]
  iso42001: [A.6.2.5]
  nist_ai_rmf: [GOVERN 1.4, MANAGE 1.1]
requires: [mlflow_model_versions_as_of]
params: [period_end, production_aliases, production_stages, approval_tags, approval_reference_pattern]
description: >
  Evaluates every MLflow model version in production (an alias in policy.production_aliases or a stage in
  policy.production_stages, without regard to case) that carries an approval (one of policy.approval_tags set to a
  non-empty value), in the registry snapshot that shows the state at the end of the period (the latest snapshot
  taken at or before the period end, or the first one after it). Versions in production without any approval are
  mlflow_production_without_approval's finding, not evaluated here. The approval passes when the values of its
  approval tags or the version's description contain a match of policy.approval_reference_pattern (a regular
  expression, searched, by default a ticket id such as CHG-1234): the change ticket or review record that makes the
  approval traceable to a decision. It fails otherwise: a bare name in approved_by records that someone approved,
  not what they reviewed.
remediation: >
  Record the ticket of the review with the approval: in the approval tag's value (approved_by = "dave CHG-1234") or
  in the version's description, and have the promotion pipeline refuse approvals without one.
---*/
with production as (
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
judged as (
    select *,
        concat_ws(' and ',
            case when array_length(prod_aliases) > 0 then format('production alias{} {}',
                 case when array_length(prod_aliases) > 1 then 'es' else '' end, array_to_string(prod_aliases, ', ')) end,
            case when prod_stage then format('stage {}', current_stage) end) as how,
        strftime(snapshot_at, '%Y-%m-%dT%H:%M:%SZ') as snap,
        nullif(regexp_extract(concat_ws(' ', array_to_string(approval_tags_set, ' '), description),
                              $approval_reference_pattern), '') as reference
    from production
    where (array_length(prod_aliases) > 0 or prod_stage) and array_length(coalesce(approval_tags_set, [])) > 0
)
select
    format('models:/{}/{}', model_name, version) as resource,
    case when reference is not null then 'pass' else 'fail' end as status,
    case when reference is not null then format(
            'Model {} version {} holds {} in the MLflow snapshot of {}; its approval ({}) cites {}.',
            model_name, version, how, snap, array_to_string(approval_tags_set, ', '), reference)
         else format(
            'Model {} version {} holds {} in the MLflow snapshot of {}, but neither its approval ({}) nor its '
            || 'description ({}) cites a reference matching {}, so the approval cannot be traced to a review.',
            model_name, version, how, snap, array_to_string(approval_tags_set, ', '),
            coalesce('"' || nullif(trim(description), '') || '"', 'none'), $approval_reference_pattern)
    end as reason,
    model_name,
    version,
    prod_aliases as production_aliases,
    current_stage,
    approval_tags_set,
    reference,
    description,
    snapshot_at,
    tracking_uri
from judged
order by model_name, version
