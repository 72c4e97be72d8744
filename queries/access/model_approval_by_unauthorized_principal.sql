/*---
id: model_approval_by_unauthorized_principal
title: SageMaker model packages are approved only by the approver roles
severity: high
kind: detection
frameworks:
  soc2: [CC6.3, CC8.1]
  iso27001: [A.5.18, A.8.32]
  eu_ai_act: [Art.17]
  iso42001: [A.3.2, A.6.2.5]
  nist_ai_rmf: [GOVERN 2.1, MANAGE 1.1]
requires: [sagemaker_approval_events]
params: [period_start, period_end, approver_roles]
description: >
  Lists every successful approval of a SageMaker model package in the period (UpdateModelPackage setting
  ModelApprovalStatus to Approved, or CreateModelPackage registering a package already Approved) whose actor does
  not match any of the GLOB patterns in policy.approver_roles. For assumed-role sessions the actor is the role ARN,
  so the patterns name roles (arn:aws:iam::*:role/ml-approver). The approval is the gate between a trained model
  and production; when anyone with sagemaker:UpdateModelPackage can pass it, the human review it stands for is not
  assured. Matching is case-sensitive, as ARNs in CloudTrail are written. With no approver role configured, every
  approval is reported.
remediation: >
  Review the approved package and revert the approval if it was not reviewed (UpdateModelPackage with
  ModelApprovalStatus=PendingManualApproval or Rejected). Restrict sagemaker:UpdateModelPackage with
  ModelApprovalStatus to the approver roles (an IAM condition or an SCP), and keep policy.approver_roles in step.
---*/
with approvals as (
    select *
    from sagemaker_approval_events
    where event_time >= $period_start and event_time < $period_end
)
select
    coalesce(model_package_arn, format('unidentified model package (event {})', event_id)) as resource,
    'fail' as status,
    format('Model package {} was approved ({}) at {} by {}{}, which matches none of the approver roles ({}).',
           coalesce(model_package_arn, 'of unknown ARN'), event_name, strftime(event_time, '%Y-%m-%dT%H:%M:%SZ'),
           coalesce(actor_arn, principal_arn, 'an unidentified principal'),
           case when session_name is not null then format(' (session {})', session_name) else '' end,
           case when array_length($approver_roles::VARCHAR[]) = 0 then 'none are configured in policy.approver_roles'
                else array_to_string($approver_roles::VARCHAR[], ', ') end) as reason,
    model_package_arn,
    actor_arn as approver_arn,
    principal_arn,
    session_name,
    user_type,
    json_extract_string(request_parameters, '$.approvalDescription') as approval_description,
    recipient_account_id as account_id,
    aws_region as region,
    event_time,
    event_name,
    source_ip_address,
    event_id,
    source_key,
    record_index
from approvals
where not exists (
    select 1 from unnest($approver_roles::VARCHAR[]) t(p) where actor_arn glob t.p
)
order by event_time, event_id
