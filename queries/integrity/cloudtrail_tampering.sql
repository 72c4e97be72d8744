/*---
id: cloudtrail_tampering
title: No one stops, deletes or reconfigures a CloudTrail trail, or tries to
severity: critical
kind: detection
frameworks:
  soc2: [CC7.2, CC7.3]
  iso27001: [A.8.15, A.8.16]
  hipaa: ["164.312(b)", "164.308(a)(1)(ii)(D)"]
  eu_ai_act: [Art.12]
  iso42001: [A.6.2.8]
  nist_ai_rmf: [MEASURE 2.7]
  cis_aws: ["4.5"]
requires: [cloudtrail_events_unique]
params: [period_start, period_end]
description: >
  Lists every call of the period to StopLogging, DeleteTrail, UpdateTrail, PutEventSelectors or
  PutInsightSelectors. Each can blind the audit trail: stop it, remove it, send it elsewhere, switch off
  validation, or narrow which events it records. Successful calls are findings; denied or failed attempts are
  findings too, because an attempt to tamper with audit logging needs an explanation even when it was stopped. The
  request parameters are kept as evidence so that a reviewer can see exactly what changed. A successful StopLogging
  or DeleteTrail also leaves a gap that the delivery-gap check may show.
remediation: >
  Confirm with the actor whether the change was an approved change. If not, restore the trail's configuration and
  logging, treat the actor's credentials as compromised, and deny these actions to everyone but a break-glass role
  with an SCP.
---*/
with tampering as (
    select *,
        coalesce(json_extract_string(request_parameters, '$.name'),
                 json_extract_string(request_parameters, '$.trailName'),
                 json_extract_string(response_elements, '$.trailARN'),
                 'an unnamed trail') as trail,
        coalesce(actor_arn, principal_arn, 'An unidentified principal')
            || case when session_name is not null then format(' (session {})', session_name) else '' end as actor,
        coalesce(recipient_account_id, source_account_id, 'an unrecorded account') as account_id,
        coalesce(aws_region, source_region, 'an unrecorded region') as region
    from cloudtrail_events_unique
    where event_time >= $period_start and event_time < $period_end
      and event_source = 'cloudtrail.amazonaws.com'
      and event_name in ('StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors', 'PutInsightSelectors')
)
select
    trail as resource,
    'fail' as status,
    case
        when error_code is null then format(
            '{} called {} on trail {} in {}/{} at {}: it {}.',
            actor, event_name, trail, account_id,
            region, strftime(event_time, '%Y-%m-%dT%H:%M:%SZ'),
            case event_name
                when 'StopLogging' then 'stopped the trail from logging'
                when 'DeleteTrail' then 'deleted the trail'
                when 'UpdateTrail' then 'changed the trail''s configuration (see request_parameters)'
                when 'PutEventSelectors' then 'changed which events the trail records'
                else 'changed the trail''s Insights selectors' end)
        else format(
            '{} tried to call {} on trail {} in {}/{} at {}, but the attempt was {} ({}), so nothing changed; an '
            || 'attempt to tamper with audit logging is itself a finding.',
            actor, event_name, trail, account_id,
            region, strftime(event_time, '%Y-%m-%dT%H:%M:%SZ'),
            case when error_code ilike '%denied%' or error_code ilike '%unauthorized%' then 'denied' else 'refused' end,
            error_code)
    end as reason,
    account_id,
    region,
    event_time,
    event_name,
    error_code is null as succeeded,
    error_code,
    error_message,
    coalesce(actor_arn, principal_arn) as actor_arn,
    principal_arn,
    session_name,
    source_ip_address,
    user_agent,
    request_parameters,
    event_id,
    source_key,
    record_index
from tampering
order by event_time, event_id
