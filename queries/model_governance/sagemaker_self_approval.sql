/*---
id: sagemaker_self_approval
title: SageMaker model packages are not approved by the person who created them
severity: critical
kind: detection
frameworks:
  soc2: [CC5.1, CC6.3, CC8.1]
  iso27001: [A.5.3, A.8.32]
  eu_ai_act: [Art.17]
  iso42001: [A.3.2, A.6.2.5]
  nist_ai_rmf: [GOVERN 2.1, MANAGE 1.1]
requires: [sagemaker_model_package_events]
params: [period_start, period_end]
description: >
  Separation of duties for the model approval gate. For every successful approval of the period
  (UpdateModelPackage to Approved, or CreateModelPackage registering a package already Approved) the package's
  CreateModelPackage event is looked up in all loaded CloudTrail events, and the approval is reported when the
  approver is the same person as the author. People are compared, not roles: for an assumed role the person is the
  role session name (people assume roles under their own name, so alice as ml-engineer/alice and as
  ml-approver/alice is one person), for an IAM user the user name, both compared without regard to case; for other
  identities the principal ARN. Registering a package already Approved is always a self-approval. When the
  package's creation is not among the loaded events, the approval is listed as info: the author is unknown, so the
  check cannot pass it.
remediation: >
  Have a second person review the model and re-record the approval, or revert it. Require distinct people for
  creation and approval: deny sagemaker:CreateModelPackage with ModelApprovalStatus=Approved, and allow approvals
  only from an approver role that model authors cannot assume.
---*/
with events as (
    select * from sagemaker_model_package_events
),
approvals as (
    select *
    from events
    where event_time >= $period_start and event_time < $period_end
      and model_approval_status = 'Approved'
),
creations as (
    select *
    from events
    where event_name = 'CreateModelPackage' and model_package_arn is not null
    qualify row_number() over (partition by model_package_arn order by event_time, event_id) = 1
),
paired as (
    select
        a.model_package_arn as package_arn, a.event_name, a.event_time as approved_at, a.identity as approver, a.person as approver_person,
        coalesce(a.actor_arn, a.principal_arn) as approver_arn, a.recipient_account_id as account_id,
        a.aws_region as region, a.event_id, a.source_key, a.record_index,
        c.event_time as created_at, c.identity as author, c.person as author_person,
        coalesce(c.actor_arn, c.principal_arn) as author_arn, c.event_id as create_event_id,
        c.source_key as create_source_key
    from approvals a
    left join creations c on c.model_package_arn = a.model_package_arn
)
select
    coalesce(package_arn, format('unidentified model package (event {})', event_id)) as resource,
    case when created_at is null then 'info' else 'fail' end as status,
    case
        when created_at is null then format(
            'Model package {} was approved at {} by {}, but its CreateModelPackage event is not among the loaded '
            || 'CloudTrail events, so whether its author approved it cannot be verified.',
            coalesce(package_arn, 'of unknown ARN'), strftime(approved_at, '%Y-%m-%dT%H:%M:%SZ'), approver)
        when event_name = 'CreateModelPackage' then format(
            'Model package {} was registered already Approved at {} by {}: its author approved it in the same call, '
            || 'without a second person''s review.', package_arn, strftime(approved_at, '%Y-%m-%dT%H:%M:%SZ'), approver)
        else format(
            'Model package {} was approved at {} by {}, the same person who created it at {} as {}.',
            package_arn, strftime(approved_at, '%Y-%m-%dT%H:%M:%SZ'), approver,
            strftime(created_at, '%Y-%m-%dT%H:%M:%SZ'), author)
    end as reason,
    package_arn as model_package_arn,
    author,
    approver,
    author_person,
    approver_person,
    created_at,
    approved_at,
    author_arn,
    approver_arn,
    account_id,
    region,
    approved_at as event_time,
    event_name,
    event_id,
    create_event_id,
    source_key,
    create_source_key
from paired
where created_at is null or author_person = approver_person
order by approved_at, event_id
