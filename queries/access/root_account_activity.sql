/*---
id: root_account_activity
title: The root user of an account is not used
severity: critical
kind: detection
frameworks:
  soc2: [CC6.1, CC7.2]
  iso27001: [A.8.2, A.8.16]
  hipaa: ["164.308(a)(1)(ii)(D)", "164.312(a)(1)"]
  cis_aws: ["1.7", "4.3"]
requires: [cloudtrail_events_unique]
params: [period_start, period_end]
description: >
  Lists every CloudTrail event of the period made by an account's root user (userIdentity.type Root), successful or
  not, except calls an AWS service made on the root user's behalf (invokedBy set) and AWS service events, as in the
  CIS AWS Foundations Benchmark metric filter for root usage. The root user cannot be restricted by IAM policies,
  so any use of it, including a failed console sign-in, is a finding that needs an explanation.
remediation: >
  Confirm with the account owner who used the root user and why. If it was not one of the few tasks that require
  root, treat it as a security incident. Keep root without access keys, protected by hardware MFA, and deny root
  actions with an SCP in AWS Organizations.
---*/
with root_events as (
    select *
    from cloudtrail_events_unique
    where event_time >= $period_start and event_time < $period_end
      and user_type = 'Root'
      and invoked_by is null
      and event_type is distinct from 'AwsServiceEvent'
)
select
    coalesce(recipient_account_id, principal_account_id, source_account_id, 'an unrecorded account') as resource,
    'fail' as status,
    format('The root user of account {} called {} ({}) at {} from {}{}.',
           coalesce(recipient_account_id, principal_account_id, source_account_id, 'an unrecorded account'), coalesce(event_name, 'an unnamed API'),
           coalesce(event_source, 'an unrecorded service'),
           strftime(event_time, '%Y-%m-%dT%H:%M:%SZ'), coalesce(source_ip_address, 'an unrecorded address'),
           case when error_code is not null then format('; the call failed with {}', error_code) else '' end) as reason,
    coalesce(recipient_account_id, principal_account_id, source_account_id) as account_id,
    aws_region as region,
    event_time,
    event_name,
    event_source,
    source_ip_address,
    user_agent,
    error_code,
    event_id,
    source_key,
    record_index
from root_events
order by event_time, event_id
