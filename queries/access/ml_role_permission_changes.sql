/*---
id: ml_role_permission_changes
title: Changes to ML roles' permissions are made by the IAM administrators (the period's change log)
severity: high
kind: detection
frameworks:
  soc2: [CC6.2, CC6.3, CC8.1]
  iso27001: [A.5.18, A.8.32]
  hipaa: ["164.308(a)(4)(ii)(B)", "164.308(a)(1)(ii)(D)"]
  iso42001: [A.3.2]
  nist_ai_rmf: [GOVERN 2.1]
  cis_aws: ["4.4"]
requires: [iam_role_permission_changes]
params: [period_start, period_end, ml_role_patterns, iam_admin_roles]
description: >
  The change log of the period for ML roles (roles whose ARN matches policy.ml_role_patterns, ignoring case): every
  successful IAM call that created, deleted or changed one (policies attached, detached, written or deleted; trust
  policy; permissions boundary; settings; tags; and new, default or deleted versions of a managed policy attached to
  one in the IAM snapshot), one row per call and role. A change by an actor matching one of policy.iam_admin_roles
  is listed as info, for the access review; a change by anyone else fails, whether it adds or removes access,
  because access to ML roles is to be provisioned through the IAM administrators only (with none configured, every
  change fails). Denied attempts changed nothing and are left to the access-denied checks.
remediation: >
  For a failing row, confirm the change with the role's owner and the IAM administrators; revert it if it was not
  approved, and restrict the IAM write actions on ML roles to policy.iam_admin_roles. Review the info rows in the
  periodic access review.
---*/
select
    target_role_arn as resource,
    case when admin then 'info' else 'fail' end as status,
    format('{}{} called {} on ML role {} at {}{}; {}.',
           coalesce(actor_arn, principal_arn, 'an unidentified principal'),
           case when session_name is not null then format(' (session {})', session_name) else '' end,
           event_name, target_role_arn, strftime(event_time, '%Y-%m-%dT%H:%M:%SZ'),
           case when policy_arn is not null then format(' (policy {})', policy_arn)
                when policy_name is not null then format(' (inline policy {})', policy_name) else '' end,
           case when admin then 'the actor is an IAM administration role'
                when array_length($iam_admin_roles::VARCHAR[]) = 0 then 'no IAM administration role is configured in policy.iam_admin_roles'
                else format('the actor matches none of the IAM administration roles ({})',
                            array_to_string($iam_admin_roles::VARCHAR[], ', ')) end) as reason,
    event_name,
    grants_permission,
    target_role_name as role_name,
    target_role_arn as role_arn,
    policy_arn,
    policy_name,
    actor_arn,
    principal_arn,
    session_name,
    recipient_account_id as account_id,
    event_time,
    source_ip_address,
    event_id,
    source_key,
    record_index
from (
    select *, array_length(list_filter($iam_admin_roles::VARCHAR[], lambda p: actor_arn glob p)) > 0 as admin
    from iam_role_permission_changes
    where event_time >= $period_start and event_time < $period_end
      and array_length(list_filter($ml_role_patterns::VARCHAR[], lambda p: lower(target_role_arn) glob lower(p))) > 0
)
order by event_time, event_id, target_role_arn
