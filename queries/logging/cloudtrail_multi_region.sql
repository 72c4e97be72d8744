/*---
id: cloudtrail_multi_region
title: Every account has a logging multi-region CloudTrail trail
severity: medium
kind: posture
frameworks:
  soc2: [CC7.2]
  iso27001: [A.8.15, A.8.16]
  hipaa: ["164.312(b)"]
  eu_ai_act: [Art.12]
  iso42001: [A.6.2.8]
  cis_aws: ["3.1"]
requires: [cloudtrail_trails]
params: []
description: >
  Evaluates every account that appears in the captured trail settings. An account passes when at least one of its
  trails (its own or an organization trail) is multi-region and logging; then API activity in every region, including
  regions nobody expects to be used, is recorded. Single-region trails leave the other regions unobserved, which is
  where misuse of an ML platform's credentials (for instance, GPU training jobs in an unused region) goes unseen.
  An account with no captured trail at all cannot appear here; the data-source section of the report lists the
  accounts that were read.
remediation: >
  Create a multi-region trail (aws cloudtrail create-trail --is-multi-region-trail ...) or an organization trail
  from the management account, and start logging on it.
---*/
with trails as (
    select *
    from cloudtrail_trails
    qualify row_number() over (
        partition by account_id, coalesce(trail_arn, trail_name)
        order by (is_logging is null), (region = home_region) desc nulls last, captured_at desc nulls last
    ) = 1
),
accounts as (
    select
        account_id,
        list(trail_name order by trail_name) filter (where is_multi_region_trail and is_logging) as covering_trails,
        string_agg(
            format('{} (multi-region: {}, logging: {})', trail_name,
                   case when is_multi_region_trail then 'yes' when is_multi_region_trail is null then 'unknown' else 'no' end,
                   case when is_logging then 'yes' when is_logging is null then 'not captured' else 'no' end),
            ', ' order by trail_name) as trail_summary,
        count(*) as trail_count,
        list(distinct source_key order by source_key) filter (where source_key is not null) as source_keys
    from trails
    group by account_id
)
select
    account_id as resource,
    case when array_length(coalesce(covering_trails, [])) > 0 then 'pass' else 'fail' end as status,
    case when array_length(coalesce(covering_trails, [])) > 0 then format(
            'Account {} has a logging multi-region trail ({}), so API activity in every region is recorded.',
            account_id, array_to_string(covering_trails, ', '))
         else format(
            'Account {} has no multi-region trail that is logging; its trails: {}.', account_id, trail_summary)
    end as reason,
    account_id,
    covering_trails,
    trail_count,
    trail_summary,
    source_keys
from accounts
order by account_id
