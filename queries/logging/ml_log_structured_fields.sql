/*---
id: ml_log_structured_fields
title: ML log events carry the required structured fields
severity: medium
kind: posture
frameworks:
  soc2: [CC7.2]
  iso27001: [A.8.15]
  eu_ai_act: [Art.12]
  iso42001: [A.6.2.8]
  nist_ai_rmf: [MEASURE 2.8, MANAGE 4.1]
requires: [cloudwatch_log_events, cloudwatch_log_groups]
params: [period_start, period_end, ml_log_group_prefixes, structured_log_groups, required_log_fields]
description: >
  Evaluates each ML log group (a name starting with one of policy.ml_log_group_prefixes, and matching one of the
  GLOB patterns in policy.structured_log_groups when that is set) that has captured events in the period. An event
  is complete when its message is a JSON object holding every top-level key of policy.required_log_fields with a
  value other than null; a message that is not a JSON object (plain text, an array) counts as missing them all.
  Without the request id, the model version and the time, a logged prediction cannot be traced to the model that
  made it, which record-keeping for AI systems requires. A group fails when any of its events is incomplete; the row
  counts the events, the incomplete ones, those that are not JSON objects and the misses per field, and names the
  first incomplete event (its stream, id, time and place in the captured file) as an example. Only the groups'
  events captured by the cloudwatch source (sources.cloudwatch.event_log_groups) can be judged: a group in scope
  whose events were not captured for the period gets an info row saying it was not evaluated, never a pass.
remediation: >
  Make the service log one JSON object per event with the required fields (a structured logging formatter that adds
  the request id and the model version it serves), and redeploy it; then check the example event's stream.
---*/
with scoped as (
    select e.*, case when json_valid(e.message) then e.message end as j
    from cloudwatch_log_events e
    where e.event_time >= $period_start and e.event_time < $period_end
      and exists (select 1 from unnest($ml_log_group_prefixes::VARCHAR[]) p(prefix)
                  where starts_with(e.log_group_name, p.prefix))
      and (array_length($structured_log_groups::VARCHAR[]) = 0
           or exists (select 1 from unnest($structured_log_groups::VARCHAR[]) g(p) where e.log_group_name glob g.p))
),
docs as (
    select *, coalesce(json_type(j) = 'OBJECT', false) as is_object,
        case when json_type(j) = 'OBJECT' then j else '{}' end as doc
    from scoped
),
judged as (
    select d.*,
        list_filter($required_log_fields::VARCHAR[], lambda f: (d.doc ->> ('$."' || f || '"')) is null) as missing
    from docs d
),
per_field as (
    select account_id, region, log_group_name,
        string_agg(format('{} in {}', f.name, f.n), ', ' order by f.i) as missing_by_field
    from (
        select account_id, region, log_group_name, name,
            list_position($required_log_fields::VARCHAR[], name) as i, count(*) as n
        from (select account_id, region, log_group_name, unnest(missing) as name from judged)
        group by all
    ) f
    group by all
),
groups as (
    select account_id, region, log_group_name,
        count(*) as events,
        count(*) filter (where array_length(missing) > 0) as events_incomplete,
        count(*) filter (where not is_object) as events_not_json_object,
        arg_min(struct_pack(log_stream_name, event_id, event_time, source_key, record_index, missing),
                (event_time, source_key, record_index)) filter (where array_length(missing) > 0) as example
    from judged
    group by all
)
select * from (
select
    format('{}/{}/{}', g.account_id, g.region, g.log_group_name) as resource,
    case when g.events_incomplete = 0 then 'pass' else 'fail' end as status,
    case when g.events_incomplete = 0 then format(
            'All {} events of log group {} in {}/{} in the period carry the required fields ({}).',
            g.events, g.log_group_name, g.account_id, g.region, array_to_string($required_log_fields::VARCHAR[], ', '))
         else format(
            '{} of {} events of log group {} in {}/{} in the period lack required fields ({} not a JSON object; '
            || 'missing: {}); for example event {} of stream {} at {} lacks {}.',
            g.events_incomplete, g.events, g.log_group_name, g.account_id, g.region, g.events_not_json_object,
            pf.missing_by_field, coalesce(g.example.event_id, '(no id)'), g.example.log_stream_name,
            strftime(g.example.event_time, '%Y-%m-%dT%H:%M:%SZ'), array_to_string(g.example.missing, ', '))
    end as reason,
    g.account_id,
    g.region,
    g.log_group_name,
    g.events,
    g.events_incomplete,
    g.events_not_json_object,
    pf.missing_by_field,
    g.example.log_stream_name as example_log_stream_name,
    g.example.event_id as example_event_id,
    g.example.event_time as example_event_time,
    g.example.source_key as source_key,
    g.example.record_index as record_index
from groups g
left join per_field pf using (account_id, region, log_group_name)
union all
select
    format('{}/{}/{}', lg.account_id, lg.region, lg.log_group_name),
    'info',
    format('Log group {} in {}/{} is in scope, but none of its events were captured for the period, so its events '
           || 'are not evaluated (sources.cloudwatch.event_log_groups lists the groups whose events are read).',
           lg.log_group_name, lg.account_id, lg.region),
    lg.account_id, lg.region, lg.log_group_name, 0, null, null, null, null, null, null, lg.source_key, lg.record_index
from cloudwatch_log_groups lg
where exists (select 1 from unnest($ml_log_group_prefixes::VARCHAR[]) p(prefix) where starts_with(lg.log_group_name, p.prefix))
  and (array_length($structured_log_groups::VARCHAR[]) = 0
       or exists (select 1 from unnest($structured_log_groups::VARCHAR[]) g(p) where lg.log_group_name glob g.p))
  and not exists (select 1 from groups g
                  where g.account_id = lg.account_id and g.region = lg.region and g.log_group_name = lg.log_group_name)
)
order by account_id, region, log_group_name
