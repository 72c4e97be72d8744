/*---
id: sagemaker_approval_without_reference
title: SageMaker model package approvals cite a ticket in their description
severity: medium
kind: detection
frameworks:
  soc2: [CC8.1]
  iso27001: [A.8.32]
  eu_ai_act: [Art.17]
  iso42001: [A.6.2.5]
  nist_ai_rmf: [GOVERN 1.4, MANAGE 1.1]
requires: [sagemaker_approval_events]
params: [period_start, period_end, approval_reference_pattern]
description: >
  Evaluates every successful approval of a SageMaker model package in the period, as CloudTrail recorded it: an
  UpdateModelPackage that set ModelApprovalStatus to Approved, or a CreateModelPackage that registered a package
  already Approved (sagemaker_approval_events). The approval passes when the ApprovalDescription sent with the
  call contains a match of policy.approval_reference_pattern (a regular expression, searched, by default a ticket id
  such as CHG-1234): the change ticket or review record that makes the approval traceable. It fails when the call
  sent no description, a blank one, or one without a reference ("approved", "looks good"). Rejections and other
  status changes are not approvals and are not evaluated.
remediation: >
  Approve model packages only with an ApprovalDescription that names the review ticket (update_model_package(...,
  ApprovalDescription="CHG-1234: validation report reviewed")), and have the approval tool or pipeline refuse
  approvals without one. Re-record the approvals found here with their ticket.
---*/
with approvals as (
    select *,
        json_extract_string(request_parameters, '$.approvalDescription') as approval_description
    from sagemaker_approval_events
    where event_time >= $period_start and event_time < $period_end
),
judged as (
    select *,
        nullif(regexp_extract(coalesce(approval_description, ''), $approval_reference_pattern), '') as reference
    from approvals
)
select
    coalesce(model_package_arn, format('unidentified model package (event {})', event_id)) as resource,
    case when reference is not null then 'pass' else 'fail' end as status,
    case when reference is not null then format(
            'Model package {} was approved at {} by {} with the description "{}", which cites {}.',
            coalesce(model_package_arn, 'of unknown ARN'), strftime(event_time, '%Y-%m-%dT%H:%M:%SZ'), identity,
            approval_description, reference)
         when nullif(trim(approval_description), '') is null then format(
            'Model package {} was approved at {} by {} without an approval description, so the approval cannot be '
            || 'traced to a review.', coalesce(model_package_arn, 'of unknown ARN'),
            strftime(event_time, '%Y-%m-%dT%H:%M:%SZ'), identity)
         else format(
            'Model package {} was approved at {} by {} with the description "{}", which cites no reference matching '
            || '{}, so the approval cannot be traced to a review.', coalesce(model_package_arn, 'of unknown ARN'),
            strftime(event_time, '%Y-%m-%dT%H:%M:%SZ'), identity, approval_description, $approval_reference_pattern)
    end as reason,
    model_package_arn,
    approval_description,
    reference,
    identity as approver,
    coalesce(actor_arn, principal_arn) as approver_arn,
    recipient_account_id as account_id,
    aws_region as region,
    event_time,
    event_name,
    event_id,
    source_key
from judged
order by event_time, event_id
