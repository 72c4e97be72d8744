/*---
id: sagemaker_production_approver_count
title: Deployed SageMaker packages were approved by enough people other than their author
severity: high
kind: posture
frameworks:
  soc2: [CC5.1, CC8.1]
  iso27001: [A.5.3, A.8.32]
  eu_ai_act: [Art.17]
  iso42001: [A.3.2, A.6.2.5]
  nist_ai_rmf: [GOVERN 2.1, MANAGE 1.1]
requires: [sagemaker_deployments, sagemaker_model_packages_current, sagemaker_approval_events]
params: [period_start, period_end, min_approvers]
description: >
  Four-eyes (or N-eyes) rule for SageMaker. Evaluates every model package that was approved in the period (an
  approval event between the period's start and end), serves on an endpoint as captured (sagemaker_deployments) and
  is Approved in the registry (its latest capture); packages approved in earlier periods were judged in their own
  period's report, and packages that are not approved, and models not built from a package, are
  sagemaker_endpoint_unapproved_package's finding. Its approvers are the
  distinct people (sagemaker_model_package_events.person: the role session name of an assumed role, the IAM user
  name) who approved it in the loaded CloudTrail events up to the period end (sagemaker_approval_events), counting
  only the approvals after the last call that set it to another status (a rejection or revocation resets the count). The
  person who created the package (its CreateModelPackage) never counts: registering a package already Approved is a
  self-approval. The package passes when at least policy.min_approvers people remain and fails when fewer do. It is
  info when no approval follows the last status change (it was set back after its approval in the period, yet the
  registry shows it Approved), or when it would pass but its CreateModelPackage is not among the loaded events, so
  a self-approval cannot be ruled out.
remediation: >
  Have the missing reviewers approve the package (their UpdateModelPackage is the record), or roll the endpoint back
  to a package approved by enough people. Enforce the rule in the approval workflow: a package is promoted only
  when N distinct approvers other than its author have signed off.
---*/
with packages as (
    select distinct d.model_package_arn, p.model_approval_status
    from sagemaker_deployments d
    join sagemaker_model_packages_current p on p.model_package_arn = d.model_package_arn
    where p.model_approval_status = 'Approved'
      and exists (select 1 from sagemaker_approval_events a
                   where a.model_package_arn = d.model_package_arn
                     and a.event_time >= $period_start and a.event_time < $period_end)
),
creations as (
    select model_package_arn, person as author, identity as author_identity
    from sagemaker_model_package_events
    where event_name = 'CreateModelPackage' and model_package_arn is not null
    qualify row_number() over (partition by model_package_arn order by event_time, event_id) = 1
),
resets as (
    select model_package_arn, max(event_time) as reset_at
    from sagemaker_model_package_events
    where event_name = 'UpdateModelPackage' and model_approval_status <> 'Approved' and event_time < $period_end
    group by model_package_arn
),
approvals as (
    select a.model_package_arn, a.person, a.identity, a.event_time, a.event_id
    from sagemaker_approval_events a
    join packages p using (model_package_arn)
    left join resets r using (model_package_arn)
    where (r.reset_at is null or a.event_time > r.reset_at) and a.event_time < $period_end
),
judged as (
    select
        p.model_package_arn,
        c.author,
        c.author_identity,
        (select list(distinct a.identity order by a.identity) from approvals a
          where a.model_package_arn = p.model_package_arn and a.person is distinct from c.author) as counted,
        (select count(distinct a.person) from approvals a
          where a.model_package_arn = p.model_package_arn and a.person is distinct from c.author) as approver_count,
        (select count(*) from approvals a where a.model_package_arn = p.model_package_arn) as approval_events,
        (select list(a.event_id order by a.event_time) from approvals a
          where a.model_package_arn = p.model_package_arn) as approval_event_ids,
        (select list(distinct d.endpoint_name order by d.endpoint_name) from sagemaker_deployments d
          where d.model_package_arn = p.model_package_arn) as endpoints,
        (select any_value(d.account_id) from sagemaker_deployments d where d.model_package_arn = p.model_package_arn)
            as account_id,
        (select any_value(d.region) from sagemaker_deployments d where d.model_package_arn = p.model_package_arn)
            as region
    from packages p
    left join creations c using (model_package_arn)
)
select
    model_package_arn as resource,
    case when approval_events = 0 then 'info'
         when approver_count < $min_approvers then 'fail'
         when author is null then 'info'
         else 'pass' end as status,
    case when approval_events = 0 then format(
            'Model package {} serves on {} and is Approved in the registry, but no approval follows its last status '
            || 'change among the loaded CloudTrail events, so its approvers cannot be counted.',
            model_package_arn, array_to_string(endpoints, ', '))
         else format(
            'Model package {} serves on {} and {} approved by {} {} ({}){}; {} required.',
            model_package_arn, array_to_string(endpoints, ', '),
            case when approver_count < $min_approvers then 'is' else 'was' end,
            approver_count, case when approver_count = 1 then 'person' else 'people' end,
            coalesce(nullif(array_to_string(counted, ', '), ''), 'nobody'),
            case when author is null then ', its CreateModelPackage not among the loaded events, so a self-approval '
                                          || 'cannot be ruled out'
                 else format(', its author {} not counted', author_identity) end,
            $min_approvers)
    end as reason,
    model_package_arn,
    endpoints,
    approver_count,
    counted as approvers,
    author_identity as author,
    approval_event_ids,
    account_id,
    region
from judged
order by model_package_arn
