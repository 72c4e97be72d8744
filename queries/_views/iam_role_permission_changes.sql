/*---
id: iam_role_permission_changes
description: >
  Every successful IAM call (from cloudtrail_events_unique) that changes what a role may do or who may assume it,
  one row per role it changes. Role calls (CreateRole, DeleteRole, AttachRolePolicy, DetachRolePolicy,
  PutRolePolicy, DeleteRolePolicy, UpdateAssumeRolePolicy, PutRolePermissionsBoundary,
  DeleteRolePermissionsBoundary, UpdateRole, TagRole, UntagRole) name their role (requestParameters.roleName);
  managed-policy calls (CreatePolicyVersion, SetDefaultPolicyVersion, DeletePolicyVersion) change every role the
  policy is attached to in the latest IAM snapshot of that role (iam_principals.attached_managed_policy_arns), one
  row each; a policy attached to no captured role yields no row. Adds target_role_name, target_role_arn (the ARN
  CreateRole returned, else the captured role of that name in the account, compared ignoring case as IAM does,
  else arn:aws:iam::<account>:role/<name> without a path), policy_arn (the attached or changed managed policy),
  policy_name (an inline policy's name) and grants_permission: the change can give the role more permissions or
  more principals that may assume it (AttachRolePolicy, PutRolePolicy, UpdateAssumeRolePolicy,
  DeleteRolePermissionsBoundary, CreatePolicyVersion with setAsDefault true, SetDefaultPolicyVersion). Failed and
  denied calls changed nothing and are dropped.
requires: [cloudtrail_events_unique, iam_principals]
---*/
with roles as (
    select account_id, principal_name, principal_arn, attached_managed_policy_arns
    from iam_principals
    where principal_type = 'role'
    qualify row_number() over (partition by principal_arn order by captured_at desc nulls last) = 1
),
events as (
    select *
    from cloudtrail_events_unique
    where event_source = 'iam.amazonaws.com' and error_code is null
      and event_name in ('CreateRole', 'DeleteRole', 'AttachRolePolicy', 'DetachRolePolicy', 'PutRolePolicy',
                         'DeleteRolePolicy', 'UpdateAssumeRolePolicy', 'PutRolePermissionsBoundary',
                         'DeleteRolePermissionsBoundary', 'UpdateRole', 'TagRole', 'UntagRole',
                         'CreatePolicyVersion', 'SetDefaultPolicyVersion', 'DeletePolicyVersion')
),
role_calls as (
    select e.*,
        json_extract_string(e.request_parameters, '$.roleName') as target_role_name,
        coalesce(json_extract_string(e.response_elements, '$.role.arn'),
                 (select r.principal_arn from roles r
                   where r.account_id = e.recipient_account_id
                     and lower(r.principal_name) = lower(json_extract_string(e.request_parameters, '$.roleName'))
                   order by r.principal_arn limit 1),
                 format('arn:aws:iam::{}:role/{}', e.recipient_account_id,
                        json_extract_string(e.request_parameters, '$.roleName'))) as target_role_arn,
        coalesce(json_extract_string(e.request_parameters, '$.policyArn'),
                 json_extract_string(e.request_parameters, '$.permissionsBoundary')) as policy_arn,
        json_extract_string(e.request_parameters, '$.policyName') as policy_name
    from events e
    where e.event_name not in ('CreatePolicyVersion', 'SetDefaultPolicyVersion', 'DeletePolicyVersion')
      and json_extract_string(e.request_parameters, '$.roleName') is not null
),
policy_calls as (
    select e.*,
        r.principal_name as target_role_name,
        r.principal_arn as target_role_arn,
        json_extract_string(e.request_parameters, '$.policyArn') as policy_arn,
        null::VARCHAR as policy_name
    from events e
    join roles r
      on list_contains(coalesce(from_json(r.attached_managed_policy_arns, '["VARCHAR"]'), []),
                       json_extract_string(e.request_parameters, '$.policyArn'))
    where e.event_name in ('CreatePolicyVersion', 'SetDefaultPolicyVersion', 'DeletePolicyVersion')
)
select *,
    event_name in ('AttachRolePolicy', 'PutRolePolicy', 'UpdateAssumeRolePolicy', 'DeleteRolePermissionsBoundary',
                   'SetDefaultPolicyVersion')
    or (event_name = 'CreatePolicyVersion'
        and lower(coalesce(json_extract_string(request_parameters, '$.setAsDefault'), 'false')) = 'true')
    as grants_permission
from (select * from role_calls union all select * from policy_calls)  -- the same columns, in the same order
