/*---
id: cloudtrail_delivery_gaps
title: CloudTrail records events without gaps longer than allowed
severity: high
kind: detection
frameworks:
  soc2: [CC7.2]
  iso27001: [A.8.15, A.8.16]
  hipaa: ["164.312(b)"]
  eu_ai_act: [Art.12]
  iso42001: [A.6.2.8]
requires: [cloudtrail_events]
params: [period_start, period_end, max_delivery_gap_hours]
description: >
  For every account and region with CloudTrail events in the period (the account and region of the log object's
  key, or the event's own when the key did not give them), finds the intervals without any event that are longer
  than policy.max_delivery_gap_hours, including the stretch from the period start to the first event and from the
  last event to the period end. An active AWS account produces events around the clock; a long silence usually
  means logging was stopped, the trail's delivery failed, or log objects are missing from the bucket, and for that
  time the other checks saw nothing. Accounts and regions without a single event in the period are not listed here;
  the report's data-source section shows which accounts and regions delivered evidence.
remediation: >
  Compare the gap with the trail's status history (StopLogging and StartLogging events, GetTrailStatus
  LatestDeliveryError) and with the bucket (deleted or missing objects, lifecycle rules). Restore missing log
  objects from versions or replicas if they exist, and record in the audit file why the period is incomplete.
---*/
with events as (
    select coalesce(source_account_id, recipient_account_id) as account_id,
           coalesce(source_region, aws_region) as region,
           event_time
    from cloudtrail_events
    where event_time >= $period_start and event_time < $period_end
),
streams as (
    select account_id, region, count(*) as events_in_period
    from events
    group by account_id, region
),
buckets as (
    -- A gap longer than the allowed hours lies between two buckets of that width: it runs from the last event of
    -- one non-empty bucket to the first of the next. So only each bucket's first and last event are ordered, not
    -- every event of the month (the same gaps, a fraction of the rows to sort).
    select account_id, region, min(event_time) as first_t, max(event_time) as last_t
    from events
    group by account_id, region, floor(epoch(event_time) / ($max_delivery_gap_hours * 3600.0))
),
points as (  -- each bucket's first and last event, plus the period's two ends, for each stream
    select account_id, region, first_t as t, false as is_edge from buckets
    union all
    select account_id, region, last_t, false from buckets where last_t > first_t
    union all
    select account_id, region, $period_start::TIMESTAMP, true from streams
    union all
    select account_id, region, $period_end::TIMESTAMP, true from streams
),
gaps as (
    select account_id, region,
        lag(t) over w as gap_start,
        t as gap_end,
        lag(is_edge) over w as starts_at_period_start,
        is_edge as ends_at_period_end
    from points
    window w as (partition by account_id, region order by t, not is_edge)  -- the start edge before an event at the same instant
)
select
    format('{}/{}', coalesce(g.account_id, 'unknown account'), coalesce(g.region, 'unknown region')) as resource,
    'fail' as status,
    format('No CloudTrail event of account {} in region {} was recorded between {} and {}: {} hours, longer than '
           || 'the allowed {} hours.',
           coalesce(g.account_id, 'unknown'), coalesce(g.region, 'unknown'),
           case when starts_at_period_start then 'the period start (' || strftime(gap_start, '%Y-%m-%dT%H:%M:%SZ') || ')'
                else 'the event at ' || strftime(gap_start, '%Y-%m-%dT%H:%M:%SZ') end,
           case when ends_at_period_end then 'the period end (' || strftime(gap_end, '%Y-%m-%dT%H:%M:%SZ') || ')'
                else 'the event at ' || strftime(gap_end, '%Y-%m-%dT%H:%M:%SZ') end,
           round((epoch(gap_end) - epoch(gap_start)) / 3600.0, 1), $max_delivery_gap_hours) as reason,
    g.account_id,
    g.region,
    gap_start,
    gap_end,
    round((epoch(gap_end) - epoch(gap_start)) / 3600.0, 2) as hours,
    starts_at_period_start,
    ends_at_period_end,
    s.events_in_period
from gaps g
join streams s on s.account_id is not distinct from g.account_id and s.region is not distinct from g.region
where gap_start is not null
  and gap_end - gap_start > to_hours($max_delivery_gap_hours)
order by g.account_id, g.region, gap_start
