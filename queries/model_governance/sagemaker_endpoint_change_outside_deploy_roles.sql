/*---
id: sagemaker_endpoint_change_outside_deploy_roles
title: In production accounts, endpoints are deployed, rolled back and deleted only by the deploy roles
severity: high
kind: detection
frameworks:
  soc2: [CC8.1, CC6.3]
  iso27001: [A.8.32, A.5.18]
  eu_ai_act: [Art.17, Art.26]
  iso42001: [A.6.2.5]
  nist_ai_rmf: [GOVERN 1.4, MANAGE 2.4]
requires: [cloudtrail_events_unique]
params: [period_start, period_end, production_accounts, deploy_roles]
description: >
  Lists every successful change to what a SageMaker endpoint serves in the period (CreateEndpoint, UpdateEndpoint:
  a deployment or a rollback, UpdateEndpointWeightsAndCapacities, DeleteEndpoint) in an account of
  policy.production_accounts (every account when the list is empty) whose actor matches none of the GLOB patterns in
  policy.deploy_roles. A model put into or taken out of production by hand skips the checks the deploy pipeline runs
  and the record it keeps. Failed attempts change nothing and are not listed (the access-denied checks see them).
  With no deploy role configured, every change there is reported.
remediation: >
  Find out who changed the endpoint and what it serves now (DescribeEndpoint, its endpoint config and model). If the
  change was not reviewed, redeploy through the pipeline. Allow the endpoint-changing actions in the production
  accounts only to the deploy roles (an IAM condition or an SCP); keep policy.deploy_roles in step.
---*/
with changes as (
    select *, json_extract_string(request_parameters, '$.endpointName') as endpoint_name
    from cloudtrail_events_unique
    where event_time >= $period_start and event_time < $period_end
      and event_source = 'sagemaker.amazonaws.com'
      and event_name in ('CreateEndpoint', 'UpdateEndpoint', 'UpdateEndpointWeightsAndCapacities', 'DeleteEndpoint')
      and error_code is null
      and (array_length($production_accounts::VARCHAR[]) = 0
           or recipient_account_id in (select unnest($production_accounts::VARCHAR[])))
)
select
    coalesce(endpoint_name, format('unnamed endpoint (event {})', event_id)) as resource,
    'fail' as status,
    format('{}{} called {} on endpoint {} in account {} at {}{}, and matches none of the deploy roles ({}).',
           coalesce(actor_arn, principal_arn, 'an unidentified principal'),
           case when session_name is not null then format(' (session {})', session_name) else '' end,
           event_name, coalesce(endpoint_name, 'of unrecorded name'), coalesce(recipient_account_id, 'of unrecorded id'),
           strftime(event_time, '%Y-%m-%dT%H:%M:%SZ'),
           case when json_extract_string(request_parameters, '$.endpointConfigName') is not null
                then format(' (config {})', json_extract_string(request_parameters, '$.endpointConfigName')) else '' end,
           case when array_length($deploy_roles::VARCHAR[]) = 0 then 'none are configured in policy.deploy_roles'
                else array_to_string($deploy_roles::VARCHAR[], ', ') end) as reason,
    endpoint_name,
    json_extract_string(request_parameters, '$.endpointConfigName') as endpoint_config_name,
    event_name,
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
from changes
where not exists (select 1 from unnest($deploy_roles::VARCHAR[]) t(p) where actor_arn glob t.p)
order by event_time, event_id
