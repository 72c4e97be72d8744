/*---
id: ml_log_personal_data
title: ML log events hold no personal data
severity: high
kind: detection
frameworks:
  soc2: [CC6.1]
  iso27001: [A.5.34, A.8.11]
  eu_ai_act: [Art.12]
  iso42001: [A.6.2.8]
  nist_ai_rmf: [MEASURE 2.10]
requires: [cloudwatch_log_events]
params: [period_start, period_end, ml_log_group_prefixes, pii_patterns]
description: >
  Lists each captured event of an ML log group (a name starting with one of policy.ml_log_group_prefixes) in the
  period whose message holds personal data, one row per event and kind: email addresses; card numbers (13 to 19
  digits, spaces or dashes allowed between them) that pass the Luhn test; IBANs that pass the ISO 13616 mod-97
  test; phone numbers in international format (a leading +, 8 to 15 digits: bare digit runs in logs are counts and
  ids far more often than phone numbers); and text matching a regular expression of policy.pii_patterns. The
  built-in kinds are found and validated at load time (load/log_pii.py, table cloudwatch_log_pii), where the Luhn
  and mod-97 arithmetic is plain code and the excerpt is masked as the match is found; the policy's own patterns are
  matched here. Logs are kept for a year or more and read by many: personal data in them is a copy outside the
  systems meant to hold it. The finding never shows the data: only its kind, where it is (log group, stream, event
  id, the file and record it was read from) and a masked excerpt (j***@e***.com, the last four digits of a card or
  IBAN, the last two of a phone number, the last two characters of a policy pattern's match). Only the events the
  cloudwatch source captured (sources.cloudwatch.event_log_groups) are read; ml_log_structured_fields names the ML
  groups in its scope whose events were not.
remediation: >
  Stop logging the field at its source (log identifiers, not the person's data; mask before the logger), then deal
  with what was logged: restrict access to the log group and, as the retention policy and the data protection
  officer decide, delete the affected events or let them expire. Report it as your data protection process requires.
---*/
with ml_events as (
    select e.*
    from cloudwatch_log_events e
    where e.event_time >= $period_start and e.event_time < $period_end
      and exists (select 1 from unnest($ml_log_group_prefixes::VARCHAR[]) p(prefix)
                  where starts_with(e.log_group_name, p.prefix))
),
per_event as (
    select p.account_id, p.region, p.log_group_name, p.log_stream_name, p.event_time, p.event_id, p.kind,
        p.source_key, p.record_index, count(*) as matches,
        string_agg(p.masked, ', ' order by p.match_index) as masked_excerpts
    from cloudwatch_log_pii p
    where p.event_time >= $period_start and p.event_time < $period_end
      and exists (select 1 from unnest($ml_log_group_prefixes::VARCHAR[]) x(prefix)
                  where starts_with(p.log_group_name, x.prefix))
    group by all
    union all
    -- the policy's patterns: each match masked in a list, in the order found (one row per event and pattern)
    select account_id, region, log_group_name, log_stream_name, event_time, event_id, kind, source_key, record_index,
        array_length(found) as matches,
        array_to_string(list_transform(found, lambda v: case when length(v) <= 4 then repeat('*', length(v))
                                                             else repeat('*', length(v) - 2) || right(v, 2) end), ', ')
    from (
        select e.*, format('policy pattern {}', pat.p) as kind,
            list_filter(regexp_extract_all(e.message, pat.p), lambda v: v <> '') as found
        from ml_events e, (select distinct unnest($pii_patterns::VARCHAR[]) as p) pat
    ) m
    where array_length(found) > 0
)
select
    format('{}/{}/{}', account_id, region, log_group_name) as resource,
    'fail' as status,
    format('Log event {} of stream {} in log group {} ({}/{}) at {} holds {} {} ({}); read from {} record {}.',
           coalesce(event_id, '(no id)'), coalesce(log_stream_name, '(no stream)'), log_group_name, account_id, region,
           strftime(event_time, '%Y-%m-%dT%H:%M:%SZ'), matches,
           case kind when 'email' then 'email address' when 'card' then 'card number' when 'iban' then 'IBAN'
                     when 'phone' then 'phone number' else 'match' end
               || case when matches = 1 then '' when kind in ('email', 'card', 'iban', 'phone') then 's' else 'es' end
               || case when kind like 'policy pattern %' then ' of ' || kind else '' end,
           masked_excerpts, coalesce(source_key, 'an unrecorded file'), coalesce(record_index::VARCHAR, '-')) as reason,
    kind,
    matches,
    masked_excerpts,
    account_id,
    region,
    log_group_name,
    log_stream_name,
    event_time,
    event_id,
    source_key,
    record_index
from per_event
order by event_time, source_key, record_index, kind
