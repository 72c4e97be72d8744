/*---
id: root_access_key_activity
title: The root user has no access key in use
severity: critical
kind: detection
frameworks:
  soc2: [CC6.1]
  iso27001: [A.8.2, A.5.18]
  hipaa: ["164.312(a)(1)"]
  cis_aws: ["1.4"]
requires: [cloudtrail_events_unique]
params: [period_start, period_end]
description: >
  Lists the period's CloudTrail events that show a root access key: CreateAccessKey called by the root user
  (userIdentity.type Root) without a userName, which creates an access key for the root user itself (attempts that
  failed included, with their error), and any call authenticated with a root user's long-term access key (an
  accessKeyId beginning AKIA under a Root identity). A root console session is not a root access key: its calls
  carry temporary credentials (ASIA keys, sessionCredentialFromConsole) and the sign-in itself none, so they are
  left to root_account_activity, which lists every root use. Calls an AWS service made for root (invokedBy) are
  left out. A root access key never expires, cannot be limited by IAM policy and, once leaked, gives full control
  of the account to whoever holds it.
remediation: >
  Delete the root user's access keys (IAM console, Security credentials of the root user) and find out what used
  them; replace that automation with an IAM role. Treat a root key used from an unknown address as a compromised
  account.
---*/
with keyed as (
    select *,
        case when event_source = 'iam.amazonaws.com' and event_name = 'CreateAccessKey'
                  and json_extract_string(request_parameters, '$.userName') is null then 'created'
             else 'used' end as finding
    from cloudtrail_events_unique
    where event_time >= $period_start and event_time < $period_end
      and user_type = 'Root'
      and invoked_by is null
      and ((event_source = 'iam.amazonaws.com' and event_name = 'CreateAccessKey'
            and json_extract_string(request_parameters, '$.userName') is null)
           or access_key_id like 'AKIA%')
)
select
    coalesce(recipient_account_id, principal_account_id, source_account_id, 'an unrecorded account') as resource,
    'fail' as status,
    case when finding = 'created' then format(
            'The root user of account {} called CreateAccessKey for itself at {} from {}{}.',
            coalesce(recipient_account_id, principal_account_id, source_account_id, 'of unrecorded id'),
            strftime(event_time, '%Y-%m-%dT%H:%M:%SZ'), coalesce(source_ip_address, 'an unrecorded address'),
            case when error_code is not null then format('; the call failed with {}', error_code)
                 else format(', creating access key {}',
                             coalesce(json_extract_string(response_elements, '$.accessKey.accessKeyId'), 'of unrecorded id')) end)
         else format(
            'Root access key {} of account {} was used for {} ({}) at {} from {}{}.',
            access_key_id, coalesce(recipient_account_id, principal_account_id, source_account_id, 'of unrecorded id'),
            coalesce(event_name, 'an unnamed API'), coalesce(event_source, 'an unrecorded service'),
            strftime(event_time, '%Y-%m-%dT%H:%M:%SZ'), coalesce(source_ip_address, 'an unrecorded address'),
            case when error_code is not null then format('; the call failed with {}', error_code) else '' end)
    end as reason,
    finding,
    coalesce(recipient_account_id, principal_account_id, source_account_id) as account_id,
    case when finding = 'created' then json_extract_string(response_elements, '$.accessKey.accessKeyId')
         else access_key_id end as root_access_key_id,
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
from keyed
order by event_time, event_id
