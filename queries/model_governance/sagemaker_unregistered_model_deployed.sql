/*---
id: sagemaker_unregistered_model_deployed
title: Models deployed in production accounts are created from the Model Registry
severity: high
kind: detection
frameworks:
  soc2: [CC8.1]
  iso27001: [A.8.32]
  eu_ai_act: [Art.17, Art.12]
  iso42001: [A.6.2.5]
  nist_ai_rmf: [MANAGE 1.1, GOVERN 1.4]
requires: [cloudtrail_events_unique]
params: [period_start, period_end, production_accounts]
description: >
  Follows each successful CreateModel in an account of policy.production_accounts (every account when empty) that
  names no model package (no ModelPackageName in primaryContainer or any of containers: an image and model
  artefact only, so no registry entry, version history or approval stands behind it). It fails when that model is
  served on an endpoint: an endpoint config naming it (CreateEndpointConfig, productionVariants) was deployed by a
  successful CreateEndpoint or UpdateEndpoint of the period, or the SageMaker snapshot shows an endpoint serving it
  (sagemaker_deployments). A model created this way in the period and found on no endpoint is listed as info: it
  is one configuration away from production. This is the deployment event; sagemaker_endpoint_unapproved_package
  judges what endpoints serve at capture time, so a model deployed and removed again within the month is caught
  here only.
remediation: >
  Register the model as a package version, have it approved, and redeploy from the package (CreateModel with
  Containers[].ModelPackageName). Deny sagemaker:CreateModel without a model package in production (an SCP or an
  IAM condition), and find out why the deployment bypassed the registry.
---*/
with created as (
    select e.*,
        json_extract_string(e.request_parameters, '$.modelName') as model_name,
        coalesce(json_extract_string(e.request_parameters, '$.primaryContainer.image'),
                 json_extract_string(e.request_parameters, '$.containers[0].image')) as image,
        coalesce(json_extract_string(e.request_parameters, '$.primaryContainer.modelDataUrl'),
                 json_extract_string(e.request_parameters, '$.containers[0].modelDataUrl')) as model_data_url
    from cloudtrail_events_unique e
    where e.event_time < $period_end
      and e.event_source = 'sagemaker.amazonaws.com' and e.event_name = 'CreateModel' and e.error_code is null
      and (array_length($production_accounts::VARCHAR[]) = 0
           or e.recipient_account_id in (select unnest($production_accounts::VARCHAR[])))
      and json_extract_string(e.request_parameters, '$.primaryContainer.modelPackageName') is null
      and array_length(list_filter(coalesce(list_transform(from_json(e.request_parameters -> '$.containers',
                                                                     '[{"modelPackageName": "VARCHAR"}]'),
                                                           lambda c: c.modelPackageName), []),
                                   lambda x: x is not null)) = 0
),
configs as (  -- endpoint configs naming a model, as CloudTrail recorded them
    select c.recipient_account_id, c.aws_region,
        json_extract_string(c.request_parameters, '$.endpointConfigName') as endpoint_config_name,
        unnest(coalesce(list_transform(from_json(c.request_parameters -> '$.productionVariants', '[{"modelName": "VARCHAR"}]'),
                                       lambda v: v.modelName), [])) as model_name
    from cloudtrail_events_unique c
    where c.event_time < $period_end
      and c.event_source = 'sagemaker.amazonaws.com' and c.event_name = 'CreateEndpointConfig' and c.error_code is null
),
deployments as (  -- the period's deployments of those configs
    select d.recipient_account_id, d.aws_region, d.event_time, d.event_name,
        json_extract_string(d.request_parameters, '$.endpointName') as endpoint_name,
        json_extract_string(d.request_parameters, '$.endpointConfigName') as endpoint_config_name
    from cloudtrail_events_unique d
    where d.event_time >= $period_start and d.event_time < $period_end
      and d.event_source = 'sagemaker.amazonaws.com' and d.event_name in ('CreateEndpoint', 'UpdateEndpoint')
      and d.error_code is null
),
served as (
    select m.event_id,
        list(distinct format('{} (config {}, {} at {})', d.endpoint_name, d.endpoint_config_name, d.event_name,
                             strftime(d.event_time, '%Y-%m-%dT%H:%M:%SZ'))) as deployed_by_events,
        list(distinct d.endpoint_name) as endpoints
    from created m
    join configs c on c.model_name = m.model_name and c.recipient_account_id is not distinct from m.recipient_account_id
                  and c.aws_region is not distinct from m.aws_region
    join deployments d on d.endpoint_config_name = c.endpoint_config_name
                      and d.recipient_account_id is not distinct from m.recipient_account_id
                      and d.aws_region is not distinct from m.aws_region
                      and d.event_time >= m.event_time
    group by m.event_id
),
captured as (
    select m.event_id, list(distinct s.endpoint_name order by s.endpoint_name) as endpoints
    from created m
    join sagemaker_deployments s on s.model_name = m.model_name and s.account_id = m.recipient_account_id
                                and s.region = m.aws_region
    group by m.event_id
),
judged as (
    select m.*,
        s.deployed_by_events,
        list_sort(list_distinct(list_concat(coalesce(s.endpoints, []), coalesce(k.endpoints, [])))) as endpoints,
        k.endpoints as captured_endpoints
    from created m
    left join served s on s.event_id = m.event_id
    left join captured k on k.event_id = m.event_id
    where m.event_time >= $period_start or s.event_id is not null
)
select
    coalesce(model_name, format('unnamed model (event {})', event_id)) as resource,
    case when array_length(endpoints) > 0 then 'fail' else 'info' end as status,
    format('{}{} created model {} in account {} at {} from image {} and model data {}, with no model package{}.',
           coalesce(actor_arn, principal_arn, 'an unidentified principal'),
           case when session_name is not null then format(' (session {})', session_name) else '' end,
           coalesce(model_name, 'of unrecorded name'), coalesce(recipient_account_id, 'of unrecorded id'),
           strftime(event_time, '%Y-%m-%dT%H:%M:%SZ'), coalesce(image, 'unrecorded'), coalesce(model_data_url, 'unrecorded'),
           case when array_length(endpoints) = 0 then '; no endpoint was found serving it'
                else format('; it is served on {}', concat_ws('; ',
                    case when deployed_by_events is not null
                         then 'endpoint ' || array_to_string(list_sort(deployed_by_events), ', endpoint ') end,
                    case when captured_endpoints is not null
                         then format('endpoint {} as captured', array_to_string(captured_endpoints, ', ')) end)) end)
        as reason,
    model_name,
    image,
    model_data_url,
    endpoints,
    actor_arn,
    session_name,
    recipient_account_id as account_id,
    aws_region as region,
    event_time,
    event_id,
    source_key,
    record_index
from judged
order by event_time, event_id
