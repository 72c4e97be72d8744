/*---
id: console_login_without_mfa
title: IAM users sign in to the console with MFA
severity: high
kind: detection
frameworks:
  soc2: [CC6.1]
  iso27001: [A.8.2, A.5.15]
  hipaa: ["164.312(a)(1)"]
  cis_aws: ["4.2"]
requires: [cloudtrail_events_unique]
params: [period_start, period_end]
description: >
  Lists every successful console sign-in of the period by an IAM user (userIdentity.type IAMUser) without
  multi-factor authentication (additionalEventData.MFAUsed other than Yes), as the CIS AWS Foundations Benchmark's
  metric filter for console sign-in without MFA reads it. Federated sessions (SAML, IAM Identity Center) are not
  listed: their MFA happens at the identity provider, which CloudTrail does not see. A password alone protects these
  users' console access, and the ML platform's data and models with it.
remediation: >
  Require MFA for the user (an IAM policy denying everything without aws:MultiFactorAuthPresent, or move people to
  federated access), and ask the user whether the sign-in was theirs.
---*/
select
    coalesce(principal_arn, format('unidentified user (event {})', event_id)) as resource,
    'fail' as status,
    format('{} signed in to the console of account {} at {} from {} without MFA (MFAUsed: {}).',
           coalesce(principal_arn, 'an unidentified IAM user'), coalesce(recipient_account_id, 'of unrecorded id'),
           strftime(event_time, '%Y-%m-%dT%H:%M:%SZ'), coalesce(source_ip_address, 'an unrecorded address'),
           coalesce(json_extract_string(additional_event_data, '$.MFAUsed'), 'not recorded')) as reason,
    principal_arn,
    json_extract_string(additional_event_data, '$.MFAUsed') as mfa_used,
    recipient_account_id as account_id,
    aws_region as region,
    event_time,
    source_ip_address,
    user_agent,
    event_id,
    source_key,
    record_index
from cloudtrail_events_unique
where event_time >= $period_start and event_time < $period_end
  and event_source = 'signin.amazonaws.com'
  and event_name = 'ConsoleLogin'
  and user_type = 'IAMUser'
  and error_code is null
  and json_extract_string(response_elements, '$.ConsoleLogin') = 'Success'
  and json_extract_string(additional_event_data, '$.MFAUsed') is distinct from 'Yes'
order by event_time, event_id
