/*---
id: iam_ml_role_wildcard_actions
title: ML roles are not granted wildcard actions
severity: high
kind: posture
frameworks:
  soc2: [CC6.1, CC6.3]
  iso27001: [A.5.15, A.5.18, A.8.2]
  hipaa: ["164.312(a)(1)", "164.308(a)(4)(ii)(B)"]
  eu_ai_act: [Art.15]
  nist_ai_rmf: [MEASURE 2.7]
requires: [iam_principals, iam_policy_statements]
params: [ml_role_patterns]
description: >
  Evaluates every IAM role whose ARN matches one of the GLOB patterns in policy.ml_role_patterns (SageMaker
  execution roles, ML pipeline and engineer roles). Role names are unique regardless of case in IAM, so the match
  ignores case: a role named AmazonSageMaker-ExecutionRole is in scope of a *sagemaker* pattern. A role fails when
  any Allow statement of its inline or attached managed policies grants the action "*" or a whole service
  ("sagemaker:*", "s3:*"), or uses NotAction, which grants every action except those listed. Such grants defeat
  least privilege: a compromised training job or notebook can then do anything the service allows, including
  approving models or deleting logs.
remediation: >
  Replace the wildcard with the actions the workload uses (IAM Access Analyzer can generate a policy from the role's
  CloudTrail activity), detach broad managed policies such as AdministratorAccess or AmazonSageMakerFullAccess from
  workload roles, and replace Allow+NotAction statements with explicit action lists.
---*/
with ml_roles as (
    select *
    from iam_principals p
    where p.principal_type = 'role'
      and exists (
          select 1 from unnest($ml_role_patterns::VARCHAR[]) t(pattern)
          where lower(p.principal_arn) glob lower(t.pattern)
      )
    qualify row_number() over (partition by principal_arn order by captured_at desc nulls last) = 1
),
statements as (
    select s.*,
        case when ltrim(s.actions) like '"%' then [json_extract_string(s.actions, '$')]
             else coalesce(from_json(s.actions, '["VARCHAR"]'), []) end as action_list,
        case when ltrim(s.not_actions) like '"%' then [json_extract_string(s.not_actions, '$')]
             else coalesce(from_json(s.not_actions, '["VARCHAR"]'), []) end as not_action_list
    from iam_policy_statements s
    join ml_roles r on r.principal_arn = s.principal_arn
),
grants as (  -- one row per offending grant
    select principal_arn, policy_kind, policy_name, statement_index, a as grant_text
    from statements, unnest(action_list) u(a)
    where lower(effect) = 'allow' and (a = '*' or a like '%:*')
    union all
    select principal_arn, policy_kind, policy_name, statement_index,
           'every action except ' || array_to_string(not_action_list, ', ') as grant_text
    from statements
    where lower(effect) = 'allow' and array_length(not_action_list) > 0
),
per_role as (
    select
        r.account_id, r.principal_name, r.principal_arn, r.captured_at, r.source_key,
        (select count(*) from statements s where s.principal_arn = r.principal_arn) as statements_examined,
        (select count(distinct s.policy_name) from statements s where s.principal_arn = r.principal_arn) as policies_examined,
        (select list(distinct g.policy_name order by g.policy_name) from grants g
          where g.principal_arn = r.principal_arn) as offending_policies,
        (select list(distinct g.grant_text order by g.grant_text) from grants g
          where g.principal_arn = r.principal_arn) as offending_actions,
        (select string_agg(format('{} in {} policy {}', g.grant_text, g.policy_kind, g.policy_name), '; '
                           order by g.policy_name, g.statement_index, g.grant_text) from grants g
          where g.principal_arn = r.principal_arn) as grant_summary
    from ml_roles r
)
select
    principal_arn as resource,
    case when array_length(coalesce(offending_actions, [])) > 0 then 'fail' else 'pass' end as status,
    case when array_length(coalesce(offending_actions, [])) > 0 then format(
            'Role {} in account {} is allowed wildcard actions: {}.', principal_name, account_id, grant_summary)
         else format(
            'Role {} in account {} is allowed no "*", "<service>:*" or NotAction grant ({} Allow/Deny statements '
            || 'in {} policies examined).', principal_name, account_id, statements_examined, policies_examined)
    end as reason,
    account_id,
    principal_name as role_name,
    offending_policies,
    offending_actions,
    statements_examined,
    captured_at,
    source_key
from per_role
order by account_id, principal_name
