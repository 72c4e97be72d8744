/*---
id: cloudwatch_log_deletions
title: No one deletes ML or trail log groups or weakens their retention
severity: high
kind: detection
frameworks:
  soc2: [CC7.2]
  iso27001: [A.8.15, A.5.33]
  hipaa: ["164.312(b)"]
  eu_ai_act: [Art.12, Art.19]
  iso42001: [A.6.2.8]
  nist_ai_rmf: [MANAGE 4.1]
requires: [cloudtrail_events_unique, cloudtrail_trails]
params: [period_start, period_end, ml_log_group_prefixes, min_log_retention_days]
description: >
  Lists every successful CloudWatch Logs call in the period, recorded by CloudTrail, that destroys or weakens the
  record of an ML log group (name starting with one of policy.ml_log_group_prefixes, case-sensitive) or of the log
  group a captured trail delivers to (CloudWatchLogsLogGroupArn, in the trail's account): DeleteLogGroup,
  DeleteLogStream, DeleteRetentionPolicy (the group's retention is no longer defined by policy) and
  PutRetentionPolicy with retentionInDays below policy.min_log_retention_days. A retention set at or above the
  minimum, calls that failed or were denied, and calls on other log groups are not findings. Each call is a row.
remediation: >
  Ask who made the call and why; restore the retention (aws logs put-retention-policy) or recreate the group and
  record the lost events as a gap for the auditor. Deny logs:DeleteLogGroup, logs:DeleteLogStream,
  logs:DeleteRetentionPolicy and logs:PutRetentionPolicy on these groups to everyone but a break-glass role (an SCP
  does it for every account).
---*/
with trail_groups as (
    select distinct account_id, regexp_extract(cloud_watch_logs_log_group_arn, 'log-group:(.*?)(:\*)?$', 1) as name
    from cloudtrail_trails
    where cloud_watch_logs_log_group_arn is not null
),
calls as (
    select *,
        coalesce(json_extract_string(request_parameters, '$.logGroupName'),
                 json_extract_string(request_parameters, '$.logGroupIdentifier')) as log_group_name,
        try_cast(json_extract_string(request_parameters, '$.retentionInDays') as INTEGER) as retention_in_days
    from cloudtrail_events_unique
    where event_time >= $period_start and event_time < $period_end
      and event_source = 'logs.amazonaws.com'
      and event_name in ('DeleteLogGroup', 'DeleteLogStream', 'DeleteRetentionPolicy', 'PutRetentionPolicy')
      and error_code is null
),
found as (
    select c.*,
        exists (select 1 from trail_groups t
                where t.name = c.log_group_name and t.account_id = c.recipient_account_id) as trail_group
    from calls c
    where (event_name <> 'PutRetentionPolicy' or coalesce(retention_in_days, 0) < $min_log_retention_days)
)
select
    format('{} in {}/{}', log_group_name, recipient_account_id, aws_region) as resource,
    'fail' as status,
    format('{}{} {} {} log group {} in {}/{} at {}{}.',
           coalesce(actor_arn, principal_arn, 'an unidentified principal'),
           case when session_name is not null then format(' (session {})', session_name) else '' end,
           case event_name
               when 'DeleteLogGroup' then 'deleted the'
               when 'DeleteLogStream' then format('deleted stream {} of the',
                                                  json_extract_string(request_parameters, '$.logStreamName'))
               when 'DeleteRetentionPolicy' then 'removed the retention setting of the'
               else format('set to {} days the retention of the', retention_in_days) end,
           case when trail_group then 'trail' else 'ML' end,
           log_group_name, recipient_account_id, aws_region, strftime(event_time, '%Y-%m-%dT%H:%M:%SZ'),
           case event_name
               when 'PutRetentionPolicy' then format(', below the required {} days', $min_log_retention_days)
               when 'DeleteRetentionPolicy' then ', so its retention is no longer defined by policy'
               else ', and its events with it' end) as reason,
    log_group_name,
    event_name,
    retention_in_days,
    trail_group as trail_log_group,
    actor_arn,
    principal_arn,
    session_name,
    recipient_account_id as account_id,
    aws_region as region,
    event_time,
    event_id,
    source_key,
    record_index
from found
where trail_group
   or exists (select 1 from unnest($ml_log_group_prefixes::VARCHAR[]) p(prefix)
              where starts_with(log_group_name, p.prefix))
order by event_time, event_id
