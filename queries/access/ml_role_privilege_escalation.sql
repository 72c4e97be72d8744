/*---
id: ml_role_privilege_escalation
title: ML roles gain permissions only through the IAM administrators, and are passed to SageMaker only by the pipelines
severity: critical
kind: detection
frameworks:
  soc2: [CC6.1, CC6.3]
  iso27001: [A.8.2, A.5.18]
  hipaa: ["164.308(a)(4)(ii)(B)", "164.312(a)(1)"]
  eu_ai_act: [Art.15]
  nist_ai_rmf: [MEASURE 2.7]
  cis_aws: ["4.4"]
requires: [iam_role_permission_changes, cloudtrail_events_unique]
params: [period_start, period_end, ml_role_patterns, iam_admin_roles, production_accounts, pipeline_roles, deploy_roles]
description: >
  Lists the successful calls of the period by which a principal can act with more than its own permissions
  through an ML role (a role whose ARN matches policy.ml_role_patterns, ignoring case). Two paths. (1) Granting:
  AttachRolePolicy, PutRolePolicy, UpdateAssumeRolePolicy and DeleteRolePermissionsBoundary on an ML role, and
  CreatePolicyVersion (set as default) or SetDefaultPolicyVersion on a managed policy attached to an ML role in
  the IAM snapshot, by an actor matching none of policy.iam_admin_roles (with none configured, every grant is
  listed). (2) Passing: CreateTrainingJob, CreateProcessingJob (roleArn) or CreateModel (executionRoleArn) naming an
  ML role, in an account of policy.production_accounts (every account when empty), by an actor matching none of
  policy.pipeline_roles and policy.deploy_roles: the job or model then runs with the role's permissions, which
  iam:PassRole gave the caller. Detaching, deleting and untagging are in the change log
  (ml_role_permission_changes), not here; failed and denied calls changed nothing and are left out.
remediation: >
  Find out who made the change and whether it was reviewed; revert a grant that was not (detach or delete the
  policy, restore the default version or the trust policy). Allow iam:AttachRolePolicy, iam:PutRolePolicy and
  iam:CreatePolicyVersion on ML roles only to the IAM administration roles and iam:PassRole of ML roles only to the
  pipeline and deploy roles (an IAM condition iam:PassedToService and a permissions boundary or SCP).
---*/
with grants as (
    select *, 'grant' as path, target_role_arn as role_arn
    from iam_role_permission_changes
    where event_time >= $period_start and event_time < $period_end
      and grants_permission
      and not exists (select 1 from unnest($iam_admin_roles::VARCHAR[]) t(p) where actor_arn glob t.p)
),
passes as (
    select *, 'pass' as path,
        coalesce(json_extract_string(request_parameters, '$.roleArn'),
                 json_extract_string(request_parameters, '$.executionRoleArn')) as role_arn,
        null::VARCHAR as policy_arn, null::VARCHAR as policy_name
    from cloudtrail_events_unique
    where event_time >= $period_start and event_time < $period_end
      and event_source = 'sagemaker.amazonaws.com'
      and event_name in ('CreateTrainingJob', 'CreateProcessingJob', 'CreateModel')
      and error_code is null
      and (array_length($production_accounts::VARCHAR[]) = 0
           or recipient_account_id in (select unnest($production_accounts::VARCHAR[])))
      and not exists (select 1 from unnest(list_concat($pipeline_roles::VARCHAR[], $deploy_roles::VARCHAR[])) t(p)
                      where actor_arn glob t.p)
),
found as (
    select event_id, event_time, event_name, path, role_arn, policy_arn, policy_name, actor_arn, principal_arn,
           session_name, recipient_account_id, aws_region, source_ip_address, source_key, record_index,
           request_parameters
    from grants
    union all
    select event_id, event_time, event_name, path, role_arn, policy_arn, policy_name, actor_arn, principal_arn,
           session_name, recipient_account_id, aws_region, source_ip_address, source_key, record_index,
           request_parameters
    from passes
)
select
    role_arn as resource,
    'fail' as status,
    format('{}{} called {} at {}, {}, and matches none of the {} ({}).',
           coalesce(actor_arn, principal_arn, 'an unidentified principal'),
           case when session_name is not null then format(' (session {})', session_name) else '' end,
           event_name, strftime(event_time, '%Y-%m-%dT%H:%M:%SZ'),
           case
               when path = 'pass' then format('passing ML role {} to SageMaker ({} {})', role_arn,
                   case event_name when 'CreateModel' then 'model' when 'CreateTrainingJob' then 'training job'
                                   else 'processing job' end,
                   coalesce(json_extract_string(request_parameters, '$.modelName'),
                            json_extract_string(request_parameters, '$.trainingJobName'),
                            json_extract_string(request_parameters, '$.processingJobName'), 'of unrecorded name'))
               when event_name in ('CreatePolicyVersion', 'SetDefaultPolicyVersion') then format(
                   'changing the default version of managed policy {}, attached to ML role {}', policy_arn, role_arn)
               when event_name = 'AttachRolePolicy' then format('attaching {} to ML role {}', policy_arn, role_arn)
               when event_name = 'PutRolePolicy' then format('writing inline policy {} of ML role {}',
                                                             coalesce(policy_name, 'of unrecorded name'), role_arn)
               when event_name = 'UpdateAssumeRolePolicy' then format('rewriting the trust policy of ML role {}', role_arn)
               else format('removing the permissions boundary of ML role {}', role_arn)
           end,
           case when path = 'pass' then 'pipeline or deploy roles' else 'IAM administration roles' end,
           case when path = 'pass' then coalesce(nullif(array_to_string(list_concat($pipeline_roles::VARCHAR[],
                                                 $deploy_roles::VARCHAR[]), ', '), ''),
                                                 'none are configured in policy.pipeline_roles or policy.deploy_roles')
                else coalesce(nullif(array_to_string($iam_admin_roles::VARCHAR[], ', '), ''),
                              'none are configured in policy.iam_admin_roles') end) as reason,
    path as escalation_path,
    event_name,
    role_arn,
    policy_arn,
    policy_name,
    actor_arn,
    principal_arn,
    session_name,
    recipient_account_id as account_id,
    aws_region as region,
    event_time,
    source_ip_address,
    event_id,
    source_key,
    record_index
from found
where exists (select 1 from unnest($ml_role_patterns::VARCHAR[]) t(p) where lower(role_arn) glob lower(t.p))
order by event_time, event_id, role_arn
