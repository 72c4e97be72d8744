/*---
id: sagemaker_endpoint_serving_revoked_package
title: A SageMaker package rejected or whose approval is revoked stops serving
severity: critical
kind: detection
frameworks:
  soc2: [CC8.1]
  iso27001: [A.8.32]
  eu_ai_act: [Art.17]
  iso42001: [A.6.2.5, A.6.2.6]
  nist_ai_rmf: [MANAGE 1.1, MANAGE 2.4]
requires: [sagemaker_model_package_events, sagemaker_deployments]
params: [period_start, period_end]
description: >
  Evaluates every successful UpdateModelPackage of the period that set a package's ModelApprovalStatus to Rejected
  or back to PendingManualApproval (a rejection, or a revoked approval: CloudTrail does not record the status before
  the call, so either is evaluated). The decision says the package must not serve. It fails when an endpoint still
  serves the package in the SageMaker capture taken after the call (sagemaker_deployments) and no approval of the
  package followed the call before that capture: the endpoint was neither rolled back nor re-approved. It passes
  when no captured endpoint serves the package, or when it was approved again after the call. It is info when the
  SageMaker capture was taken before the call, so what serves since cannot be told.
remediation: >
  Roll the endpoint back to an approved package (UpdateEndpoint to the previous endpoint config) or take it out of
  service, or re-approve the package through the review if the rejection was a mistake. Make the rejection trigger
  the rollback: an EventBridge rule on ModelPackage state changes that starts the deployment pipeline.
---*/
with decisions as (
    select *
    from sagemaker_model_package_events
    where event_time >= $period_start and event_time < $period_end
      and event_name = 'UpdateModelPackage'
      and model_approval_status in ('Rejected', 'PendingManualApproval')
),
capture as (
    select max(captured_at) as captured_at from sagemaker_deployments
),
judged as (
    select d.*,
        c.captured_at,
        (select list(distinct format('{} (variant {})', s.endpoint_name, coalesce(s.variant_name, 'unnamed'))
                     order by format('{} (variant {})', s.endpoint_name, coalesce(s.variant_name, 'unnamed')))
           from sagemaker_deployments s where s.model_package_arn = d.model_package_arn) as serving,
        (select min(a.event_time) from sagemaker_model_package_events a
          where a.model_package_arn = d.model_package_arn and a.model_approval_status = 'Approved'
            and a.event_time > d.event_time and (c.captured_at is null or a.event_time <= c.captured_at))
            as reapproved_at,
        json_extract_string(d.request_parameters, '$.approvalDescription') as decision_description
    from decisions d, capture c
)
select
    coalesce(model_package_arn, format('unidentified model package (event {})', event_id)) as resource,
    case when captured_at is null or captured_at <= event_time then 'info'
         when reapproved_at is not null or array_length(coalesce(serving, [])) = 0 then 'pass'
         else 'fail' end as status,
    case when captured_at is null or captured_at <= event_time then format(
            'Model package {} was set to {} at {} by {}, but the SageMaker capture ({}) was taken before that, so what '
            || 'serves since cannot be told.', coalesce(model_package_arn, 'of unknown ARN'), model_approval_status,
            strftime(event_time, '%Y-%m-%dT%H:%M:%SZ'), identity,
            coalesce(strftime(captured_at, '%Y-%m-%dT%H:%M:%SZ'), 'of unknown time'))
         when reapproved_at is not null then format(
            'Model package {} was set to {} at {} by {} and approved again at {}.', model_package_arn,
            model_approval_status, strftime(event_time, '%Y-%m-%dT%H:%M:%SZ'), identity,
            strftime(reapproved_at, '%Y-%m-%dT%H:%M:%SZ'))
         when array_length(coalesce(serving, [])) = 0 then format(
            'Model package {} was set to {} at {} by {} and serves on no endpoint in the capture of {}.',
            model_package_arn, model_approval_status, strftime(event_time, '%Y-%m-%dT%H:%M:%SZ'), identity,
            strftime(captured_at, '%Y-%m-%dT%H:%M:%SZ'))
         else format(
            'Model package {} was set to {} at {} by {}{}, yet still serves on {} in the capture of {}, with no '
            || 'approval since: the endpoint was neither rolled back nor the package re-approved.',
            model_package_arn, model_approval_status, strftime(event_time, '%Y-%m-%dT%H:%M:%SZ'), identity,
            coalesce(format(' ("{}")', nullif(trim(decision_description), '')), ''), array_to_string(serving, ', '),
            strftime(captured_at, '%Y-%m-%dT%H:%M:%SZ'))
    end as reason,
    model_package_arn,
    model_approval_status as status_set,
    decision_description,
    serving as serving_endpoints,
    reapproved_at,
    identity as actor,
    coalesce(actor_arn, principal_arn) as actor_arn,
    recipient_account_id as account_id,
    aws_region as region,
    captured_at,
    event_time,
    event_id,
    source_key
from judged
order by event_time, event_id
