/*---
id: access_denied_burst_ml
title: No principal is denied access to ML services many times in a short window
severity: medium
kind: detection
frameworks:
  soc2: [CC7.2]
  iso27001: [A.8.16]
  hipaa: ["164.308(a)(1)(ii)(D)"]
  eu_ai_act: [Art.15]
  nist_ai_rmf: [MEASURE 2.7]
requires: [cloudtrail_events_unique]
params: [period_start, period_end, ml_event_sources, access_denied_threshold, access_denied_window_minutes]
description: >
  Finds bursts of denied calls to the ML services in policy.ml_event_sources: at least
  policy.access_denied_threshold calls by one principal that failed with AccessDenied, AccessDeniedException,
  Client.UnauthorizedOperation or UnauthorizedOperation within policy.access_denied_window_minutes (a sliding
  window: any run of events spanning less than the window counts). Overlapping windows are merged into one burst,
  reported once with its first and last event. Such bursts are typical of stolen credentials being probed for what
  they can reach, of privilege-escalation attempts, or of a broken pipeline; either way someone should look.
  The principal is the role for assumed-role sessions (every session of a role counts together). Events delivered
  twice (same eventID) count once.
remediation: >
  Find out who or what used the principal (source IP, user agent, session names in the evidence). If it was not an
  expected workload, revoke the sessions (aws iam put-role-policy with an aws:TokenIssueTime condition, or the
  console's "Revoke active sessions") and rotate its credentials; if it was a workload, fix its permissions or code.
---*/
with denied as (
    select *, coalesce(actor_arn, principal_arn, principal_id, 'an unidentified principal') as actor
    from cloudtrail_events_unique
    where event_time >= $period_start and event_time < $period_end
      and access_denied
      and list_contains($ml_event_sources::VARCHAR[], event_source)
),
numbered as (
    select *, row_number() over (partition by actor order by event_time, event_id) as n
    from denied
),
-- every event that starts a window [t, t + W) holding at least the threshold of denied events
windows as (
    select a.actor, a.n, a.event_time as win_start, max(b.event_time) as win_end
    from numbered a
    join numbered b
      on b.actor = a.actor
     and b.event_time >= a.event_time
     and b.event_time < a.event_time + to_minutes($access_denied_window_minutes)
    group by a.actor, a.n, a.event_time
    having count(*) >= $access_denied_threshold
),
-- overlapping windows of one principal form one burst
islands as (
    select *, sum(case when win_start <= prev_end then 0 else 1 end)
                  over (partition by actor order by win_start, n rows unbounded preceding) as burst_no
    from (
        select *, max(win_end) over (partition by actor order by win_start, n
                                     rows between unbounded preceding and 1 preceding) as prev_end
        from windows
    )
),
bursts as (
    select actor, burst_no, min(win_start) as burst_start, max(win_end) as burst_end
    from islands
    group by actor, burst_no
),
burst_events as (
    select
        b.actor, b.burst_start, b.burst_end,
        count(*) as event_count,
        list(distinct d.event_name order by d.event_name) as event_names,
        list(distinct d.error_code order by d.error_code) as error_codes,
        list(distinct d.source_ip_address order by d.source_ip_address)
            filter (where d.source_ip_address is not null) as source_ips,
        list(distinct d.session_name order by d.session_name) filter (where d.session_name is not null) as session_names,
        string_agg(distinct d.recipient_account_id, ', ' order by d.recipient_account_id) as account_id,
        string_agg(distinct d.aws_region, ', ' order by d.aws_region) as region,
        first(d.event_id order by d.event_time, d.event_id) as first_event_id,
        list(d.event_id order by d.event_time, d.event_id) as event_ids,
        list(distinct d.source_key order by d.source_key) filter (where d.source_key is not null) as source_keys
    from bursts b
    join numbered d on d.actor = b.actor and d.event_time between b.burst_start and b.burst_end
    group by b.actor, b.burst_start, b.burst_end
)
select
    actor as resource,
    'fail' as status,
    format('{}{} was denied {} calls to ML services between {} and {} ({}), at or above the threshold of {} '
           || 'denied calls within {} minutes.',
           actor,
           case when array_length(coalesce(session_names, [])) > 0
                then format(' (session {})', array_to_string(session_names, ', ')) else '' end,
           event_count, strftime(burst_start, '%Y-%m-%dT%H:%M:%SZ'), strftime(burst_end, '%Y-%m-%dT%H:%M:%SZ'),
           array_to_string(event_names, ', '), $access_denied_threshold, $access_denied_window_minutes) as reason,
    actor as actor_arn,
    account_id,
    region,
    burst_start,
    burst_end,
    event_count,
    event_names,
    error_codes,
    source_ips,
    session_names,
    first_event_id,
    event_ids,
    source_keys
from burst_events
order by burst_start, actor
