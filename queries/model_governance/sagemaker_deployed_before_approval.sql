/*---
id: sagemaker_deployed_before_approval
title: SageMaker model packages are approved before they are deployed
severity: critical
kind: detection
frameworks:
  soc2: [CC8.1]
  iso27001: [A.8.32]
  eu_ai_act: [Art.17]
  iso42001: [A.6.2.5, A.6.2.4]
  nist_ai_rmf: [MANAGE 1.1]
requires: [cloudtrail_events_unique, sagemaker_approval_events, sagemaker_deployments]
params: [period_start, period_end]
description: >
  For every successful CreateEndpoint or UpdateEndpoint of the period, the endpoint config named in the request is
  mapped to the model packages its variants serve (from the captured deployments). The deployment is reported when
  a package's first approval (UpdateModelPackage to Approved, or CreateModelPackage registering it Approved),
  searched in all loaded CloudTrail events and not only the period's, came after the deployment; or when no
  approval event exists and the package is not Approved in the registry now. A later approval does not cure an
  unreviewed model having served traffic. A package that is Approved now but whose approval event is not in the
  loaded logs (it probably predates them) is listed as info: the order cannot be verified from the logs. Deployments to endpoint configs that are no longer in use by any
  endpoint cannot be mapped to packages and are not evaluated here.
remediation: >
  Establish whether the model served traffic unreviewed and for how long; record the review retroactively or roll
  the endpoint back. Make the deployment pipeline deploy only packages that are already Approved (for example, an
  EventBridge rule on approval that triggers deployment, never the other way round).
---*/
with deploys as (
    select *,
        json_extract_string(request_parameters, '$.endpointConfigName') as config_name,
        json_extract_string(request_parameters, '$.endpointName') as deployed_endpoint
    from cloudtrail_events_unique
    where event_time >= $period_start and event_time < $period_end
      and event_source = 'sagemaker.amazonaws.com'
      and error_code is null
      and event_name in ('CreateEndpoint', 'UpdateEndpoint')
),
config_packages as (
    select distinct account_id, region, endpoint_config_name, model_package_arn
    from sagemaker_deployments
    where model_package_arn is not null
),
first_approval as (  -- of every loaded approval, not only the period's: an approval may precede the period
    select model_package_arn,
        min(event_time) as approved_at,
        -- one event, the same whatever the scan order: the earliest, ties broken by event id
        first(event_id order by event_time, event_id) as approval_event_id,
        first(actor_arn order by event_time, event_id) as approver_arn
    from sagemaker_approval_events
    where model_package_arn is not null
    group by model_package_arn
),
evaluated as (
    select
        e.*, c.model_package_arn, a.approved_at, a.approval_event_id, a.approver_arn,
        p.model_approval_status as current_approval_status,
        coalesce(json_extract_string(e.response_elements, '$.endpointArn'),
                 format('{}/{}/endpoint/{}', e.recipient_account_id, e.aws_region, e.deployed_endpoint)) as endpoint_ref
    from deploys e
    join config_packages c
      on c.endpoint_config_name = e.config_name
     and coalesce(c.account_id, e.recipient_account_id) = e.recipient_account_id
     and coalesce(c.region, e.aws_region) = e.aws_region
    left join first_approval a on a.model_package_arn = c.model_package_arn
    left join sagemaker_model_packages_current p on p.model_package_arn = c.model_package_arn
)
select
    endpoint_ref as resource,
    case when approved_at is null and current_approval_status = 'Approved' then 'info' else 'fail' end as status,
    case when approved_at is null and current_approval_status = 'Approved' then format(
            'Endpoint {} was deployed ({} with config {}) at {} serving model package {}, which is Approved in the '
            || 'registry now, but no approval event for it is in the loaded CloudTrail logs (the approval probably '
            || 'predates them), so whether it was approved before this deployment cannot be verified from the logs.',
            deployed_endpoint, event_name, config_name, strftime(event_time, '%Y-%m-%dT%H:%M:%SZ'), model_package_arn)
         when approved_at is not null then format(
            'Endpoint {} was deployed ({} with config {}) at {} serving model package {}, which was first approved '
            || 'at {}, after the deployment.', deployed_endpoint, event_name, config_name,
            strftime(event_time, '%Y-%m-%dT%H:%M:%SZ'), model_package_arn, strftime(approved_at, '%Y-%m-%dT%H:%M:%SZ'))
         else format(
            'Endpoint {} was deployed ({} with config {}) at {} serving model package {}, for which no approval '
            || 'event was found and whose current registry status is {}.', deployed_endpoint, event_name, config_name,
            strftime(event_time, '%Y-%m-%dT%H:%M:%SZ'), model_package_arn,
            coalesce(current_approval_status, 'not captured'))
    end as reason,
    recipient_account_id as account_id,
    aws_region as region,
    deployed_endpoint as endpoint_name,
    config_name as endpoint_config_name,
    model_package_arn,
    event_time as deployed_at,
    approved_at,
    current_approval_status,
    coalesce(actor_arn, principal_arn) as deployer_arn,
    approver_arn,
    event_name,
    event_id,
    approval_event_id,
    source_key,
    record_index
from evaluated
where approved_at > event_time
   or approved_at is null
order by event_time, event_id, model_package_arn
