/*---
id: long_term_key_ml_actions
title: The ML platform is not called with long-term IAM user access keys
severity: high
kind: detection
frameworks:
  soc2: [CC6.1]
  iso27001: [A.5.15, A.8.2]
  hipaa: ["164.312(a)(1)"]
  eu_ai_act: [Art.15]
  nist_ai_rmf: [MEASURE 2.7]
requires: [cloudtrail_events_unique]
params: [period_start, period_end, ml_event_sources]
description: >
  Lists, one row per access key, every long-term IAM user access key (userIdentity.type IAMUser with an accessKeyId
  beginning AKIA) that called an event source of policy.ml_event_sources in the period, read-only calls and failed
  calls included: the key was presented to the ML platform either way. Temporary credentials (ASIA keys of role
  sessions, federated users and console sign-ins) are the expected way in and are not listed; root keys are
  root_access_key_activity's. A long-term key does not expire, is copied into scripts, CI variables and laptops,
  and is the credential most often leaked; one that reaches the models, their data and their endpoints makes
  every leak a way into them.
remediation: >
  Replace the key with a role the workload assumes (an instance or task role, IAM Roles Anywhere, OIDC federation
  for CI), then deactivate and delete it. Until then rotate it, scope its user's policy to the calls listed, and
  require aws:ViaAWSService or a source-IP condition.
---*/
with calls as (
    select *
    from cloudtrail_events_unique
    where event_time >= $period_start and event_time < $period_end
      and event_source in (select unnest($ml_event_sources::VARCHAR[]))
      and user_type = 'IAMUser'
      and access_key_id like 'AKIA%'
),
per_key as (
    select
        access_key_id,
        coalesce(principal_arn, 'an unidentified IAM user') as user_arn,
        recipient_account_id,
        count(*) as calls,
        count(*) filter (where error_code is not null) as failed_calls,
        count(*) filter (where read_only is distinct from true) as write_calls,
        list(distinct event_name order by event_name) as event_names,
        list(distinct event_source order by event_source) as event_sources,
        list(distinct aws_region order by aws_region) filter (where aws_region is not null) as regions,
        list(distinct source_ip_address order by source_ip_address) filter (where source_ip_address is not null) as source_ips,
        min(event_time) as first_seen,
        max(event_time) as last_seen,
        arg_min(event_id, event_time) as first_event_id,
        arg_min(source_key, event_time) as source_key
    from calls
    group by access_key_id, principal_arn, recipient_account_id
)
select
    access_key_id as resource,
    'fail' as status,
    format('Long-term access key {} of {} made {} call{} ({} not read-only, {} failed) to {} in account {} from {} between {} and {}: {}.',
           access_key_id, user_arn, calls, case when calls = 1 then '' else 's' end, write_calls, failed_calls,
           array_to_string(event_sources, ', '), coalesce(recipient_account_id, 'of unrecorded id'),
           coalesce(nullif(array_to_string(source_ips, ', '), ''), 'unrecorded addresses'),
           strftime(first_seen, '%Y-%m-%dT%H:%M:%SZ'), strftime(last_seen, '%Y-%m-%dT%H:%M:%SZ'),
           array_to_string(event_names, ', ')) as reason,
    access_key_id,
    user_arn,
    recipient_account_id as account_id,
    regions,
    calls,
    write_calls,
    failed_calls,
    event_names,
    source_ips,
    first_seen,
    last_seen,
    first_event_id,
    source_key
from per_key
order by recipient_account_id, user_arn, access_key_id
