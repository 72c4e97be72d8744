/*---
id: mlflow_production_alias_changes
title: MLflow production alias and stage changes of the period, each with its approval tag
severity: info
kind: detection
frameworks:
  soc2: [CC8.1]
  iso27001: [A.8.32, A.8.9]
  eu_ai_act: [Art.17]
  iso42001: [A.6.2.5, A.6.2.6]
  nist_ai_rmf: [MANAGE 4.1, MEASURE 2.8]
requires: [mlflow_registry_changes, mlflow_model_versions]
params: [period_start, period_end, production_aliases, production_stages, approval_tags]
description: >
  Lists every change of a production alias (policy.production_aliases) and every stage transition into a production
  stage (policy.production_stages), both compared without regard to case, first observed in a registry snapshot
  taken during the period. This is the change log of what served production. MLflow records neither who made a
  change nor when: each change is known only to lie between two consecutive snapshots, which the reason names.
  A change is listed as info when the version that became production carried an approval tag
  (policy.approval_tags, non-empty) in the snapshot where the change was first seen; it fails when the version had
  no approval tag there, or is missing from that snapshot so that its tag cannot be verified.
remediation: >
  For a failing change, find out who moved the alias (MLflow server access logs, the deployment pipeline's history),
  record or obtain the approval, or move the alias back. Take registry snapshots often enough that the interval
  between them is short, and let only the deployment pipeline move production aliases.
---*/
with changes as (
    select c.*,
        case when c.field = 'current_stage' then c.version else try_cast(c.new_value as integer) end as new_version,
        c.field = 'current_stage' as is_stage
    from mlflow_registry_changes c
    where c.observed_before >= $period_start and c.observed_before < $period_end
      and (
          (c.change in ('alias_set', 'alias_moved', 'alias_removed')
           and lower(c.field) in (select lower(p) from unnest($production_aliases::VARCHAR[]) q(p)))
          or
          (c.field = 'current_stage' and c.change = 'stage_changed'
           and lower(c.new_value) in (select lower(s) from unnest($production_stages::VARCHAR[]) q(s)))
      )
),
with_tags as (
    select ch.*,
        v.version is not null as version_found,
        v.run_id,
        nullif(list_transform(  -- the tags set, in tag order (NULL without any, as an aggregate over none is)
                   list_filter(list_sort($approval_tags::VARCHAR[]),
                               lambda t: nullif(trim(json_extract_string(v.tags, '$."' || t || '"')), '') is not null),
                   lambda t: format('{}={}', t, json_extract_string(v.tags, '$."' || t || '"'))), []) as approval_tags_set
    from changes ch
    left join mlflow_model_versions v
      on v.model_name = ch.model_name and v.version = ch.new_version and v.snapshot_at = ch.observed_before
),
described as (
    select *,
        case
            when is_stage then format('Model {} version {} moved from stage {} to {}', model_name, version,
                                      coalesce(old_value, 'None'), new_value)
            when change = 'alias_set' then format('Alias {} of model {} was set to version {}', field, model_name, new_value)
            when change = 'alias_removed' then format('Alias {} of model {} was removed from version {}', field,
                                                      model_name, old_value)
            else format('Alias {} of model {} moved from version {} to {}', field, model_name, old_value, new_value)
        end
        || format(', observed between {} and {} (MLflow records no actor or exact time)',
                  coalesce(strftime(observed_after, '%Y-%m-%dT%H:%M:%SZ'), 'the first snapshot'),
                  strftime(observed_before, '%Y-%m-%dT%H:%M:%SZ')) as what,
        case when new_version is null then 'info'
             when array_length(coalesce(approval_tags_set, [])) > 0 then 'info'
             else 'fail' end as row_status
    from with_tags
)
select
    case when is_stage then format('models:/{}/{}', model_name, version)
         else format('models:/{}@{}', model_name, field) end as resource,
    row_status as status,
    what || case
        when new_version is null then '.'
        when not version_found then format('; version {} is not in the snapshot of {}, so its approval tag cannot be '
                                           || 'verified.', new_version, strftime(observed_before, '%Y-%m-%dT%H:%M:%SZ'))
        when array_length(coalesce(approval_tags_set, [])) > 0 then format('; version {} carried the approval tag {} then.',
                                                                  new_version, array_to_string(approval_tags_set, ', '))
        else format('; version {} carried none of the approval tags ({}) then.', new_version,
                    array_to_string($approval_tags::VARCHAR[], ', '))
    end as reason,
    model_name,
    change,
    field,
    old_value,
    new_value,
    new_version,
    approval_tags_set,
    run_id,
    observed_after,
    observed_before
from described
order by observed_before, model_name, field
