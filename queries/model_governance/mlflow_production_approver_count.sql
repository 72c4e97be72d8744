/*---
id: mlflow_production_approver_count
title: MLflow production versions were approved by enough people other than their author
severity: high
kind: posture
frameworks:
  soc2: [CC5.1, CC8.1]
  iso27001: [A.5.3, A.8.32]
  eu_ai_act: [Art.17]
  iso42001: [A.3.2, A.6.2.5]
  nist_ai_rmf: [GOVERN 2.1, MANAGE 1.1]
requires: [mlflow_model_versions_as_of]
params: [period_end, production_aliases, production_stages, approval_tags, min_approvers]
description: >
  Four-eyes (or N-eyes) rule for MLflow. Evaluates every MLflow model version in production (an alias in
  policy.production_aliases or a stage in policy.production_stages, without regard to case) that carries an
  approval (one of policy.approval_tags set, non-empty), in the registry snapshot that shows the state at the end
  of the period; versions without any approval are mlflow_production_without_approval's finding. Its approvers are
  the names in the values of all its approval tags, each value split at commas and semicolons ("dave, erin"), trimmed
  and compared without regard to case, each name once. A name equal to the user who ran the version's training run
  or who registered the version is a self-approval and does not count. The version passes when at least
  policy.min_approvers names remain. It fails when fewer do. When it would pass but the author is unknown (no run
  user and no registering user recorded), it is info: a self-approval cannot be ruled out. MLflow records neither
  who set a tag nor when, so the names are what the tags claim.
remediation: >
  Have the missing reviewers approve the version and add their names to the approval tag (or a second approval
  tag), or move the production alias back to a version approved by enough people; the author's own approval never
  counts. Let only the promotion pipeline set approval tags, from the review tool's record of who approved.
---*/
with production as (
    select v.*,
        (select list(a order by a) from unnest(v.alias_list) t(a)
          where lower(a) in (select lower(p) from unnest($production_aliases::VARCHAR[]) q(p))) as prod_aliases,
        lower(v.current_stage) in (select lower(s) from unnest($production_stages::VARCHAR[]) q(s)) as prod_stage,
        nullif(list_transform(  -- the tags set, in tag order (NULL without any, as an aggregate over none is)
                   list_filter(list_sort($approval_tags::VARCHAR[]),
                               lambda t: nullif(trim(json_extract_string(v.tags, '$."' || t || '"')), '') is not null),
                   lambda t: format('{}={}', t, json_extract_string(v.tags, '$."' || t || '"'))), []) as approval_tags_set,
        nullif(list_sort(list_distinct(list_filter(  -- every name in the approval tags, once, sorted
                   list_transform(flatten(list_transform($approval_tags::VARCHAR[],
                       lambda t: string_split_regex(coalesce(json_extract_string(v.tags, '$."' || t || '"'), ''), '[,;]'))),
                       lambda n: lower(trim(n))),
                   lambda n: n <> ''))), []) as approvers,
        list_distinct(list_filter([lower(nullif(trim(v.run_user_id), '')), lower(nullif(trim(v.user_id), ''))],
                                  lambda x: x is not null)) as authors
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
        list_filter(approvers, lambda a: not list_contains(authors, a)) as counted,
        list_filter(approvers, lambda a: list_contains(authors, a)) as self_approvers
    from production
    where (array_length(prod_aliases) > 0 or prod_stage) and array_length(coalesce(approval_tags_set, [])) > 0
)
select
    format('models:/{}/{}', model_name, version) as resource,
    case when array_length(counted) < $min_approvers then 'fail'
         when array_length(authors) = 0 then 'info'
         else 'pass' end as status,
    format('Model {} version {} holds {} in the MLflow snapshot of {} and {} approved by {} {} ({}){}{}; {} required.',
        model_name, version, how, snap,
        case when array_length(counted) < $min_approvers then 'is' else 'was' end,
        array_length(counted), case when array_length(counted) = 1 then 'person' else 'people' end,
        coalesce(nullif(array_to_string(counted, ', '), ''), 'nobody'),
        case when array_length(self_approvers) > 0 then format(', not counting {}, who trained or registered it',
                                                      array_to_string(self_approvers, ', ')) else '' end,
        case when array_length(authors) = 0 then ', its author unknown (no run user recorded), so a self-approval cannot be ruled out'
             else '' end,
        $min_approvers) as reason,
    model_name,
    version,
    prod_aliases as production_aliases,
    current_stage,
    approval_tags_set,
    approvers,
    counted as counted_approvers,
    array_length(counted) as approver_count,
    authors,
    run_id,
    snapshot_at,
    tracking_uri
from judged
order by model_name, version
