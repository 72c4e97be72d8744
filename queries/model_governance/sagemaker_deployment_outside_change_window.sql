/*---
id: sagemaker_deployment_outside_change_window
title: In production accounts, endpoints are deployed, rolled back and deleted only inside a change window
severity: medium
kind: detection
frameworks:
  soc2: [CC8.1]
  iso27001: [A.8.32]
  eu_ai_act: [Art.17]
  iso42001: [A.6.2.5]
  nist_ai_rmf: [MANAGE 2.4]
requires: [cloudtrail_events_unique]
params: [period_start, period_end, production_accounts, change_windows]
description: >
  Lists every successful deployment (CreateEndpoint, UpdateEndpoint to an endpoint config the endpoint has not
  served before), rollback (UpdateEndpoint to an endpoint config that an earlier successful CreateEndpoint or
  UpdateEndpoint of the same endpoint in the lake named) and endpoint deletion (DeleteEndpoint) of the period in
  an account of policy.production_accounts (every account when empty) whose time falls in none of
  policy.change_windows (weekdays, and hours from start_hour to end_hour, UTC; the event's own time is judged, so a
  change started at 17:59 in a window ending at 18 is inside it). Changes outside the agreed windows are made
  when nobody is watching the model and nobody has planned a way back. Whoever made the change, the deploy pipeline
  included, is held to the windows (sagemaker_endpoint_change_outside_deploy_roles judges who). With changes to
  judge and no window configured, the check judges nothing and says so in one info row, rather than passing.
remediation: >
  Find out why the change was made outside the window: an emergency change needs its own record (incident,
  approver). Make the deploy pipeline refuse to run outside the windows, and keep policy.change_windows in step with
  the change-management policy.
---*/
with changes as (
    select e.*,
        json_extract_string(e.request_parameters, '$.endpointName') as endpoint_name,
        json_extract_string(e.request_parameters, '$.endpointConfigName') as endpoint_config_name
    from cloudtrail_events_unique e
    where e.event_time >= $period_start and e.event_time < $period_end
      and e.event_source = 'sagemaker.amazonaws.com'
      and e.event_name in ('CreateEndpoint', 'UpdateEndpoint', 'DeleteEndpoint')
      and e.error_code is null
      and (array_length($production_accounts::VARCHAR[]) = 0
           or e.recipient_account_id in (select unnest($production_accounts::VARCHAR[])))
),
classified as (
    select c.*,
        case when c.event_name = 'DeleteEndpoint' then 'deletion'
             when c.event_name = 'UpdateEndpoint' and exists (
                 select 1 from cloudtrail_events_unique p
                 where p.event_source = 'sagemaker.amazonaws.com'
                   and p.event_name in ('CreateEndpoint', 'UpdateEndpoint') and p.error_code is null
                   and p.recipient_account_id is not distinct from c.recipient_account_id
                   and p.aws_region is not distinct from c.aws_region
                   and json_extract_string(p.request_parameters, '$.endpointName') = c.endpoint_name
                   and json_extract_string(p.request_parameters, '$.endpointConfigName') = c.endpoint_config_name
                   and p.event_time < c.event_time) then 'rollback'
             else 'deployment' end as change_kind,
        strftime(c.event_time, '%a') as weekday,
        hour(c.event_time) as utc_hour
    from changes c
),
windows as (
    select unnest($change_windows::STRUCT(days VARCHAR[], start_hour INTEGER, end_hour INTEGER)[]) as w
)
select
    coalesce(endpoint_name, format('unnamed endpoint (event {})', event_id)) as resource,
    'fail' as status,
    format('{} of endpoint {}{} in account {} by {}{} at {} ({} {:02d}h UTC), outside every change window ({}).',
           case change_kind when 'deletion' then 'Deletion' when 'rollback' then 'Rollback' else 'Deployment' end,
           coalesce(endpoint_name, 'of unrecorded name'),
           case when endpoint_config_name is not null then format(' to config {}', endpoint_config_name) else '' end,
           coalesce(recipient_account_id, 'of unrecorded id'),
           coalesce(actor_arn, principal_arn, 'an unidentified principal'),
           case when session_name is not null then format(' (session {})', session_name) else '' end,
           strftime(event_time, '%Y-%m-%dT%H:%M:%SZ'), weekday, utc_hour,
           (select string_agg(format('{} {:02d}-{:02d}h', array_to_string(w.days, ','), w.start_hour, w.end_hour), '; ')
            from windows)) as reason,
    change_kind,
    endpoint_name,
    endpoint_config_name,
    event_name,
    actor_arn,
    session_name,
    recipient_account_id as account_id,
    aws_region as region,
    event_time,
    weekday,
    utc_hour,
    event_id,
    source_key,
    record_index
from classified c
where exists (select 1 from windows)
  and not exists (select 1 from windows
                  where list_contains(w.days, c.weekday) and c.utc_hour >= w.start_hour and c.utc_hour < w.end_hour)
union all
select
    'policy.change_windows' as resource,
    'info' as status,
    format('No change window is configured (policy.change_windows is empty), so the {} deployment{}, rollbacks and '
           || 'deletions of endpoints in the production accounts this period were not judged.',
           (select count(*) from classified), case when (select count(*) from classified) = 1 then '' else 's' end) as reason,
    null, null, null, null, null, null, null, null, null, null, null, null, null, null
where not exists (select 1 from windows) and exists (select 1 from classified)
order by event_time nulls first, event_id
