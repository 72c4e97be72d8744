/*---
id: cloudtrail_misdelivered_records
title: Every CloudTrail log file holds only records of the account its key names
severity: medium
kind: detection
frameworks:
  soc2: [CC7.2]
  iso27001: [A.8.15]
  hipaa: ["164.312(b)"]
  eu_ai_act: [Art.12]
  iso42001: [A.6.2.8]
  nist_ai_rmf: [MEASURE 2.7]
requires: [cloudtrail_events]
params: [period_start, period_end]
description: >
  CloudTrail delivers each account's records under AWSLogs/[o-org/]<account>/, and every record names the account
  that received it (recipientAccountId). Lists each log file of the period that holds records whose
  recipientAccountId is not the account in the file's key. CloudTrail does not write such files: a file like this was
  copied into the wrong prefix, or was written by someone else than CloudTrail. Either way the records in it cannot be
  attributed to the account whose evidence they appear to be. Files without an account in their key (not in the
  CloudTrail layout) are not judged.
remediation: >
  Find out how the file reached this prefix (S3 server access logs or CloudTrail data events of the trail bucket, the
  object's metadata and writer), compare it with the copy in the other account's prefix or in its digest, and restrict
  write access to the trail bucket to the CloudTrail service principal.
---*/
with misfiled as (
    select
        source_key,
        any_value(source_account_id) as key_account_id,
        any_value(source_region) as key_region,
        list(distinct coalesce(recipient_account_id, 'none') order by coalesce(recipient_account_id, 'none'))
            as recipient_account_ids,
        count(*) as records,
        min(event_time) as first_event_time,
        max(event_time) as last_event_time
    from cloudtrail_events
    where event_time >= $period_start and event_time < $period_end
      and source_account_id is not null
      and recipient_account_id is distinct from source_account_id
    group by source_key
)
select
    source_key as resource,
    'fail' as status,
    format('Log file {} sits under account {} but holds {} record(s) received by account(s) {} '
           || '(events {} to {}): CloudTrail does not deliver one account''s records under another''s prefix, so the '
           || 'file was moved there or was not written by CloudTrail, and its records cannot be attributed to {}.',
           source_key, key_account_id, records, array_to_string(recipient_account_ids, ', '),
           strftime(first_event_time, '%Y-%m-%dT%H:%M:%SZ'), strftime(last_event_time, '%Y-%m-%dT%H:%M:%SZ'),
           key_account_id) as reason,
    key_account_id,
    key_region,
    recipient_account_ids,
    records,
    first_event_time,
    last_event_time,
    source_key
from misfiled
order by source_key
