/*---
id: cloudtrail_dataset_data_events
title: A logging trail records object reads and writes (S3 data events) on every dataset bucket
severity: high
kind: posture
frameworks:
  soc2: [CC7.2]
  iso27001: [A.8.15]
  hipaa: ["164.312(b)"]
  eu_ai_act: [Art.12]
  iso42001: [A.6.2.8]
  nist_ai_rmf: [MEASURE 2.7]
  cis_aws: ["3.8", "3.9"]
requires: [cloudtrail_trails_current]
params: [dataset_buckets]
description: >
  Evaluates every bucket of policy.dataset_buckets. Management events do not show who read or replaced a training
  file: only S3 data events (GetObject, PutObject, DeleteObject) do, and a trail records them only when its event
  selectors ask for them. A bucket passes when trails that were logging at capture (cloudtrail_trails_current,
  is_logging true) select data events for all of its objects, reads and writes. A classic selector counts when a
  DataResources entry of type AWS::S3::Object lists arn:aws:s3 or arn:aws:s3::: (every bucket) or exactly
  arn:aws:s3:::BUCKET/ (ReadWriteType All, ReadOnly or WriteOnly says which); an advanced selector counts when it has
  eventCategory Equals Data and resources.type Equals AWS::S3::Object, resources.ARN absent or only StartsWith a
  prefix of arn:aws:s3:::BUCKET/, no other field but readOnly (Equals true: reads, false: writes, absent: both). A
  selector narrowed to some keys, some event names or by an exclusion does not cover the bucket. A bucket fails
  when no logging trail covers it, or covers only reads or only writes; selectors of a trail that is stopped, or
  whose status was not captured, do not count. An empty policy.dataset_buckets assesses nothing (one info row).
remediation: >
  Add a data event selector for the bucket to a logging trail, for example an advanced selector with eventCategory =
  Data, resources.type = AWS::S3::Object and resources.ARN StartsWith arn:aws:s3:::BUCKET/ (aws cloudtrail
  put-event-selectors --trail-name TRAIL --advanced-event-selectors ...), and keep it logging.
---*/
with buckets as (
    select unnest($dataset_buckets::VARCHAR[]) as bucket
),
trails as (
    select coalesce(trail_arn, format('{}/{}/{}', account_id, region, trail_name)) as trail, is_logging,
        event_selectors, advanced_event_selectors
    from cloudtrail_trails_current
),
classic as (
    select t.trail, t.is_logging, b.bucket, json_extract_string(u.es, '$.ReadWriteType') as rw
    from trails t
    cross join unnest(from_json(coalesce(t.event_selectors, '[]'), '["json"]')) as u(es)
    cross join buckets b
    -- list functions, not nested EXISTS: Spark resolves no column of a query two levels out (docs/portable-sql.md)
    where array_length(list_filter(
        from_json(coalesce(json_extract(u.es, '$.DataResources'), '[]'), '["json"]'),
        lambda dr: json_extract_string(dr, '$.Type') = 'AWS::S3::Object'
            and array_length(list_filter(from_json(coalesce(json_extract(dr, '$.Values'), '[]'), '["varchar"]'),
                lambda val: val in ('arn:aws:s3', 'arn:aws:s3:::') or val = 'arn:aws:s3:::' || b.bucket || '/')) > 0)) > 0
),
advanced_fields as (
    select t.trail, t.is_logging, u.sel_index, u.sel,
        from_json(coalesce(json_extract(u.sel, '$.FieldSelectors'), '[]'), '["json"]') as fields
    from trails t
    cross join unnest(from_json(coalesce(t.advanced_event_selectors, '[]'), '["json"]')) with ordinality as u(sel, sel_index)
),
advanced as (
    select a.trail, a.is_logging, b.bucket,
        (select any_value(json_extract_string(f.fs, '$.Equals[0]')) from unnest(a.fields) as f(fs)
         where json_extract_string(f.fs, '$.Field') = 'readOnly') as read_only
    from advanced_fields a
    cross join buckets b
    where exists (select 1 from unnest(a.fields) as f(fs)
                  where json_extract_string(f.fs, '$.Field') = 'eventCategory'
                    and json_array_length(json_extract(f.fs, '$.Equals')) = 1
                    and json_extract_string(f.fs, '$.Equals[0]') = 'Data')
      and exists (select 1 from unnest(a.fields) as f(fs)
                  where json_extract_string(f.fs, '$.Field') = 'resources.type'
                    and json_array_length(json_extract(f.fs, '$.Equals')) = 1
                    and json_extract_string(f.fs, '$.Equals[0]') = 'AWS::S3::Object')
      and not exists (select 1 from unnest(a.fields) as f(fs)
                      where json_extract_string(f.fs, '$.Field')
                            not in ('eventCategory', 'resources.type', 'resources.ARN', 'readOnly'))
      and coalesce(array_length(list_filter(a.fields,
              lambda fs: json_extract_string(fs, '$.Field') = 'resources.ARN'
                  and (json_extract(fs, '$.StartsWith') is null
                       or coalesce(json_array_length(json_extract(fs, '$.Equals')), 0)
                          + coalesce(json_array_length(json_extract(fs, '$.NotEquals')), 0)
                          + coalesce(json_array_length(json_extract(fs, '$.NotStartsWith')), 0)
                          + coalesce(json_array_length(json_extract(fs, '$.EndsWith')), 0)
                          + coalesce(json_array_length(json_extract(fs, '$.NotEndsWith')), 0) > 0
                       or coalesce(array_length(list_filter(
                              from_json(json_extract(fs, '$.StartsWith'), '["varchar"]'),
                              lambda prefix: starts_with('arn:aws:s3:::' || b.bucket || '/', prefix))), 0) = 0))), 0) = 0
),
coverage as (
    select trail, is_logging, bucket, coalesce(rw, 'All') in ('All', 'ReadOnly') as reads,
        coalesce(rw, 'All') in ('All', 'WriteOnly') as writes
    from classic
    union all
    select trail, is_logging, bucket, read_only is null or read_only = 'true' as reads,
        read_only is null or read_only = 'false' as writes
    from advanced
),
per_bucket as (
    select b.bucket,
        list(distinct c.trail order by c.trail) filter (where c.is_logging and c.reads) as read_by,
        list(distinct c.trail order by c.trail) filter (where c.is_logging and c.writes) as write_by,
        list(distinct c.trail order by c.trail) filter (where c.trail is not null and not coalesce(c.is_logging, false)) as not_logging
    from buckets b
    left join coverage c on c.bucket = b.bucket
    group by b.bucket
)
select
    bucket as resource,
    case when array_length(coalesce(read_by, [])) > 0 and array_length(coalesce(write_by, [])) > 0 then 'pass' else 'fail' end as status,
    case
        when array_length(coalesce(read_by, [])) > 0 and array_length(coalesce(write_by, [])) > 0 then format(
            'Dataset bucket {}: object reads are logged by {} and object writes by {} (S3 data events).',
            bucket, array_to_string(read_by, ', '), array_to_string(write_by, ', '))
        when array_length(coalesce(read_by, [])) > 0 then format(
            'Dataset bucket {}: only object reads are logged (by {}); no logging trail records writes and deletes of '
            || 'its objects, so a replaced or removed training file leaves no record.',
            bucket, array_to_string(read_by, ', '))
        when array_length(coalesce(write_by, [])) > 0 then format(
            'Dataset bucket {}: only object writes are logged (by {}); no logging trail records reads of its '
            || 'objects, so who read the training data cannot be shown.', bucket, array_to_string(write_by, ', '))
        when array_length(coalesce(not_logging, [])) > 0 then format(
            'Dataset bucket {}: its data events are selected only by {}, which was not logging (or whose status was '
            || 'not captured), so reads and writes of its objects leave no record.',
            bucket, array_to_string(not_logging, ', '))
        else format(
            'Dataset bucket {}: no captured trail selects S3 data events for all of its objects, so reads and writes '
            || 'of its training data (GetObject, PutObject, DeleteObject) leave no record.', bucket)
    end as reason,
    bucket,
    coalesce(read_by, []) as read_logged_by,
    coalesce(write_by, []) as write_logged_by,
    coalesce(not_logging, []) as selected_by_trails_not_logging
from per_bucket
union all
select 'policy.dataset_buckets' as resource, 'info' as status,
    'policy.dataset_buckets is empty: no dataset bucket was assessed; list the buckets that hold training data.' as reason,
    null, null, null, null
where array_length($dataset_buckets::VARCHAR[]) = 0 and exists (select 1 from trails)
order by resource
