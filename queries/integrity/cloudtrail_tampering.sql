/*---
id: cloudtrail_tampering
title: No one stops, deletes or reduces a CloudTrail trail (other trail changes and attempts are listed)
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
  PutInsightSelectors, and fails those that reduce the audit trail: a successful StopLogging or DeleteTrail; an
  UpdateTrail that turns off log file validation, multi-region, global service events or the organisation trail,
  removes the CloudWatch Logs group, or sends the logs to another bucket or prefix; a PutEventSelectors after which
  the trail no longer records every management event (no selector left with management events, read and write,
  none excluded: classic, or advanced with eventCategory Management and no other condition). Other successful
  changes (a KMS key, validation or multi-region turned on, data event or Insights selectors) are info: they do not
  reduce what is recorded, though a narrowing of data events cannot be told from the call alone (the current data
  event coverage of the dataset buckets is cloudtrail_dataset_data_events' concern). Denied or failed attempts are
  info too: nothing changed, but an attempt on audit logging needs an explanation. The request parameters are kept
  as evidence, so a reviewer sees exactly what changed. A successful StopLogging or DeleteTrail also leaves a gap
  that the delivery-gap check may show.
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
        coalesce(aws_region, source_region, 'an unrecorded region') as region,
        -- what an UpdateTrail switched off or redirected, in the order the reason names them
        nullif(concat_ws(', ',
            case when json_extract_string(request_parameters, '$.enableLogFileValidation') = 'false'
                 then 'log file validation off' end,
            case when json_extract_string(request_parameters, '$.isMultiRegionTrail') = 'false'
                 then 'multi-region off' end,
            case when json_extract_string(request_parameters, '$.includeGlobalServiceEvents') = 'false'
                 then 'global service events off' end,
            case when json_extract_string(request_parameters, '$.isOrganizationTrail') = 'false'
                 then 'organisation trail off' end,
            case when json_extract_string(request_parameters, '$.cloudWatchLogsLogGroupArn') = ''
                 then 'CloudWatch Logs group removed' end,
            case when json_extract_string(request_parameters, '$.s3BucketName') is not null
                 then format('logs sent to bucket {}', json_extract_string(request_parameters, '$.s3BucketName')) end,
            case when json_extract_string(request_parameters, '$.s3KeyPrefix') is not null
                 then format('logs sent to prefix {}', json_extract_string(request_parameters, '$.s3KeyPrefix')) end
        ), '') as reductions,
        -- a PutEventSelectors keeps every management event when one selector still records them all
        coalesce(
            (select bool_or(coalesce(json_extract_string(es, '$.includeManagementEvents'), 'true') = 'true'
                            and coalesce(json_extract_string(es, '$.readWriteType'), 'All') = 'All'
                            and coalesce(json_array_length(json_extract(es, '$.excludeManagementEventSources')), 0) = 0)
             from unnest(from_json(json_extract(request_parameters, '$.eventSelectors'), '["json"]')) as u(es)),
            (select bool_or(json_array_length(json_extract(sel, '$.fieldSelectors')) = 1
                            and json_extract_string(sel, '$.fieldSelectors[0].field') = 'eventCategory'
                            and json_array_length(json_extract(sel, '$.fieldSelectors[0].equals')) = 1
                            and json_extract_string(sel, '$.fieldSelectors[0].equals[0]') = 'Management')
             from unnest(from_json(json_extract(request_parameters, '$.advancedEventSelectors'), '["json"]')) as u(sel)),
            false) as keeps_management_events
    from cloudtrail_events_unique
    where event_time >= $period_start and event_time < $period_end
      and event_source = 'cloudtrail.amazonaws.com'
      and event_name in ('StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors', 'PutInsightSelectors')
)
select
    trail as resource,
    case
        when error_code is not null then 'info'
        when event_name in ('StopLogging', 'DeleteTrail') then 'fail'
        when event_name = 'UpdateTrail' and reductions is not null then 'fail'
        when event_name = 'PutEventSelectors' and not keeps_management_events then 'fail'
        else 'info'
    end as status,
    case
        when error_code is null then format(
            '{} called {} on trail {} in {}/{} at {}: it {}.',
            actor, event_name, trail, account_id,
            region, strftime(event_time, '%Y-%m-%dT%H:%M:%SZ'),
            case
                when event_name = 'StopLogging' then 'stopped the trail from logging'
                when event_name = 'DeleteTrail' then 'deleted the trail'
                when event_name = 'UpdateTrail' and reductions is not null then format(
                    'reduced the audit trail ({})', reductions)
                when event_name = 'UpdateTrail' then
                    'changed the trail''s configuration without reducing what it records (see request_parameters)'
                when event_name = 'PutEventSelectors' and not keeps_management_events then
                    'changed which events the trail records, and it no longer records every management event'
                when event_name = 'PutEventSelectors' then
                    'changed which events the trail records; every management event is still recorded'
                else 'changed the trail''s Insights selectors, which do not change what it records' end)
        else format(
            '{} tried to call {} on trail {} in {}/{} at {}, but the attempt was {} ({}), so nothing changed; an '
            || 'attempt on audit logging still needs an explanation.',
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
    reductions,
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
