/*---
id: sagemaker_endpoint_without_model_monitor
title: Production SageMaker endpoints have a scheduled model monitor
severity: medium
kind: posture
frameworks:
  soc2: [CC7.2, CC4.1]
  iso27001: [A.8.16]
  eu_ai_act: [Art.15, Art.26]
  iso42001: [A.6.2.6]
  nist_ai_rmf: [MEASURE 2.4, MANAGE 4.1]
requires: [sagemaker_endpoints, sagemaker_monitoring_scopes]
params: [production_accounts]
description: >
  Evaluates every captured SageMaker endpoint in an account of policy.production_accounts (every account when the
  list is empty). It passes when at least one SageMaker Model Monitor schedule of its account and region targets it
  (EndpointName) with status Scheduled, of any monitoring type: DataQuality or ModelQuality (data and performance
  drift), ModelBias (bias drift) or ModelExplainability (feature attribution drift). An endpoint with no schedule, or
  only Pending, Failed or Stopped ones, fails: nothing watches the model in production for drift. An endpoint in an
  account and region whose monitoring schedules were not listed fails too, as not verifiable (missing evidence is
  never a pass). Whether the monitor's last execution succeeded is shown, not judged.
remediation: >
  Create a monitoring schedule for the endpoint (a data quality baseline and CreateMonitoringSchedule, or the
  pipeline's model monitor step), restart a stopped one, and fix a failed one; data capture must be enabled on the
  endpoint for the monitor to have data.
---*/
with endpoints as (
    select *
    from sagemaker_endpoints
    where array_length($production_accounts::VARCHAR[]) = 0
       or account_id in (select unnest($production_accounts::VARCHAR[]))
    qualify row_number() over (partition by account_id, region, endpoint_name order by captured_at desc nulls last) = 1
),
scopes as (
    select distinct account_id, region from sagemaker_monitoring_scopes
),
monitors as (
    select
        account_id, region, endpoint_name,
        list(format('{} ({}, {})', monitoring_schedule_name, coalesce(monitoring_type, 'type not recorded'),
                    coalesce(monitoring_schedule_status, 'status not recorded'))
             order by monitoring_schedule_name) as schedules,
        list(monitoring_schedule_name order by monitoring_schedule_name)
            filter (where monitoring_schedule_status = 'Scheduled') as scheduled,
        list(distinct monitoring_type order by monitoring_type)
            filter (where monitoring_schedule_status = 'Scheduled') as scheduled_types,
        list(distinct last_execution_status order by last_execution_status)
            filter (where monitoring_schedule_status = 'Scheduled') as last_execution_statuses
    from sagemaker_monitoring_schedules
    group by all
)
select
    coalesce(e.endpoint_arn, format('{}/{}/endpoint/{}', e.account_id, e.region, e.endpoint_name)) as resource,
    case when s.account_id is not null and array_length(coalesce(m.scheduled, [])) > 0 then 'pass' else 'fail' end as status,
    case
        when s.account_id is null then format(
            'Endpoint {} in {}/{}: the monitoring schedules of {}/{} were not captured, so whether a model monitor '
            || 'watches it cannot be verified.', e.endpoint_name, e.account_id, e.region, e.account_id, e.region)
        when array_length(coalesce(m.scheduled, [])) > 0 then format(
            'Endpoint {} in {}/{} is watched by the scheduled model monitor {} ({}).', e.endpoint_name, e.account_id,
            e.region, array_to_string(m.scheduled, ', '), array_to_string(m.scheduled_types, ', '))
        when m.schedules is not null then format(
            'Endpoint {} in {}/{} has no model monitor in status Scheduled (only {}), so nothing watches it for drift.',
            e.endpoint_name, e.account_id, e.region, array_to_string(m.schedules, '; '))
        else format(
            'Endpoint {} in {}/{} has no model monitoring schedule, so nothing watches it for drift.',
            e.endpoint_name, e.account_id, e.region)
    end as reason,
    e.account_id,
    e.region,
    e.endpoint_name,
    e.endpoint_arn,
    e.endpoint_status,
    m.schedules,
    m.scheduled_types,
    m.last_execution_statuses,
    e.captured_at,
    e.source_key
from endpoints e
left join scopes s on s.account_id = e.account_id and s.region = e.region
left join monitors m on m.account_id = e.account_id and m.region = e.region and m.endpoint_name = e.endpoint_name
order by e.account_id, e.region, e.endpoint_name
