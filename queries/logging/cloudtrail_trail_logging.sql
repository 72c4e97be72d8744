/*---
id: cloudtrail_trail_logging
title: CloudTrail trails are logging
severity: critical
kind: posture
frameworks:
  soc2: [CC7.2]
  iso27001: [A.8.15, A.8.16]
  hipaa: ["164.312(b)", "164.308(a)(1)(ii)(D)"]
  eu_ai_act: [Art.12]
  iso42001: [A.6.2.8]
  cis_aws: ["3.1"]
requires: [cloudtrail_trails]
params: []
description: >
  Evaluates every trail's status (GetTrailStatus IsLogging) at capture time. A trail that exists but is stopped
  records nothing, and every other CloudTrail-based check silently sees less. A trail whose status was not captured
  fails as well: that it was logging cannot be shown.
remediation: >
  Start logging (aws cloudtrail start-logging --name TRAIL), find out who stopped it and why (see the
  cloudtrail_tampering check for StopLogging events), and alert on StopLogging with an EventBridge rule or an SCP
  that denies it.
---*/
with trails as (
    select *
    from cloudtrail_trails
    qualify row_number() over (
        partition by coalesce(trail_arn, account_id || ':' || trail_name)
        order by (is_logging is null), (region = home_region) desc nulls last, captured_at desc nulls last
    ) = 1
)
select
    coalesce(trail_arn, format('{}/{}/{}', account_id, region, trail_name)) as resource,
    case when is_logging then 'pass' else 'fail' end as status,
    case
        when is_logging then format(
            'Trail {} of account {} (home region {}) was logging when captured at {}.',
            trail_name, account_id, coalesce(home_region, region),
            coalesce(strftime(captured_at, '%Y-%m-%dT%H:%M:%SZ'), 'an unrecorded time'))
        when is_logging is null then format(
            'Trail {} of account {} (home region {}): its logging status (GetTrailStatus) was not captured, so it '
            || 'cannot be shown that the trail records events.', trail_name, account_id, coalesce(home_region, region))
        else format(
            'Trail {} of account {} (home region {}) was not logging when captured at {}: it records no events.',
            trail_name, account_id, coalesce(home_region, region),
            coalesce(strftime(captured_at, '%Y-%m-%dT%H:%M:%SZ'), 'an unrecorded time'))
    end as reason,
    account_id,
    coalesce(home_region, region) as home_region,
    trail_name,
    is_logging,
    latest_delivery_time,
    latest_delivery_error,
    captured_at,
    source_key
from trails
order by account_id, trail_name
