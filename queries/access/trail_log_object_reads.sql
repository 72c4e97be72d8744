/*---
id: trail_log_object_reads
title: Only the audit readers read CloudTrail log files, and those reads are recorded
severity: high
kind: detection
frameworks:
  soc2: [CC6.1, CC7.2]
  iso27001: [A.5.33, A.8.15, A.8.16]
  hipaa: ["164.308(a)(1)(ii)(D)", "164.312(b)"]
  eu_ai_act: [Art.12]
  iso42001: [A.6.2.8]
requires: [trail_buckets, cloudtrail_trails, cloudtrail_events_unique]
params: [period_start, period_end, audit_readers]
description: >
  For every S3 bucket a captured trail delivers to: the successful reads of its objects in the period (S3 data
  events GetObject and SelectObjectContent whose bucketName is the bucket) by a principal that is neither one of
  the audit readers (policy.audit_readers, GLOB patterns matched against the acting ARN: for a role session, the
  role) nor CloudTrail itself (invokedBy or source cloudtrail.amazonaws.com). One row per reader and bucket, with
  the number of reads, the first and last, and one key read. Log files tell what everyone did: a read outside the
  audit function is a disclosure, or someone learning what is watched. Denied reads are not reads (the denial
  checks cover them). Reads are visible only if a trail records S3 read data events on the bucket: a trail's
  classic selector with ReadWriteType All or ReadOnly and an AWS::S3::Object data resource covering the bucket's
  objects (a prefix of or inside arn:aws:s3:::<bucket>/, or arn:aws:s3 for all buckets when the trail is in the
  account of a trail delivering to the bucket), or an advanced selector with eventCategory Data and resources.type
  AWS::S3::Object, not limited to writes (readOnly false), not limited to other event names than GetObject, and
  with a resources.ARN StartsWith or Equals covering the bucket's objects, or none (all buckets: same account
  rule) (negative field selectors are taken as not excluding it). A bucket whose reads no captured trail
  records fails as not verifiable, never a pass; a recorded bucket with no such read passes.
remediation: >
  Ask each reader why they read the log files, and remove their access (bucket policy, IAM) if it is not part of
  their duty; add a legitimate audit role to policy.audit_readers. Where reads are not recorded, add an S3 data
  event selector for read events on the trail bucket to a trail (aws cloudtrail put-event-selectors with
  advanced selectors eventCategory=Data, resources.type=AWS::S3::Object, resources.ARN StartsWith
  arn:aws:s3:::BUCKET/).
---*/
with classic as (
    select t.account_id, t.trail_arn, t.trail_name, u.sel
    from cloudtrail_trails t,
         unnest(from_json(t.event_selectors, '[{"ReadWriteType": "VARCHAR",
             "DataResources": [{"Type": "VARCHAR", "Values": ["VARCHAR"]}]}]')) as u(sel)
),
advanced as (
    select t.account_id, t.trail_arn, t.trail_name, u.sel
    from cloudtrail_trails t,
         unnest(from_json(t.advanced_event_selectors, '[{"Name": "VARCHAR", "FieldSelectors": [{"Field": "VARCHAR",
             "Equals": ["VARCHAR"], "StartsWith": ["VARCHAR"]}]}]')) as u(sel)
),
recorded as (
    select b.bucket, coalesce(c.trail_arn, c.trail_name) as trail
    from trail_buckets b, classic c
    where coalesce(c.sel.ReadWriteType, 'All') in ('All', 'ReadOnly')
      and exists (select 1 from unnest(c.sel.DataResources) d(res), unnest(d.res."Values") v(val)
                  where d.res.Type = 'AWS::S3::Object'
                    and (if(v.val in ('arn:aws:s3', 'arn:aws:s3:::'), list_contains(b.trail_accounts, c.account_id),
                            starts_with('arn:aws:s3:::' || b.bucket || '/AWSLogs/', v.val)
                            or starts_with(v.val, 'arn:aws:s3:::' || b.bucket || '/'))))
    union all
    select b.bucket, coalesce(a.trail_arn, a.trail_name) as trail
    from trail_buckets b, advanced a
    where exists (select 1 from unnest(a.sel.FieldSelectors) f(fs)
                  where f.fs.Field = 'eventCategory' and list_contains(f.fs.Equals, 'Data'))
      and exists (select 1 from unnest(a.sel.FieldSelectors) f(fs)
                  where f.fs.Field = 'resources.type' and list_contains(f.fs.Equals, 'AWS::S3::Object'))
      and not exists (select 1 from unnest(a.sel.FieldSelectors) f(fs)
                      where f.fs.Field = 'readOnly' and f.fs.Equals = ['false'])
      and not exists (select 1 from unnest(a.sel.FieldSelectors) f(fs)
                      where f.fs.Field = 'eventName' and f.fs.Equals is not null
                        and not list_contains(f.fs.Equals, 'GetObject'))
      and ((list_contains(b.trail_accounts, a.account_id)
            and not exists (select 1 from unnest(a.sel.FieldSelectors) f(fs)
                            where f.fs.Field = 'resources.ARN' and (f.fs.StartsWith is not null or f.fs.Equals is not null)))
           or exists (select 1 from unnest(a.sel.FieldSelectors) f(fs),
                                    unnest(coalesce(f.fs.StartsWith, []) || coalesce(f.fs.Equals, [])) v(val)
                      where f.fs.Field = 'resources.ARN'
                        and if(v.val in ('arn:aws:s3', 'arn:aws:s3:::'), list_contains(b.trail_accounts, a.account_id),
                               starts_with('arn:aws:s3:::' || b.bucket || '/AWSLogs/', v.val)
                               or starts_with(v.val, 'arn:aws:s3:::' || b.bucket || '/'))))
),
reads as (
    select e.*, json_extract_string(e.request_parameters, '$.bucketName') as bucket,
           json_extract_string(e.request_parameters, '$.key') as object_key
    from cloudtrail_events_unique e
    where e.event_time >= $period_start and e.event_time < $period_end
      and e.event_source = 's3.amazonaws.com' and e.event_name in ('GetObject', 'SelectObjectContent')
      and e.error_code is null
      and coalesce(e.invoked_by, '') <> 'cloudtrail.amazonaws.com'
      and coalesce(e.source_ip_address, '') <> 'cloudtrail.amazonaws.com'
),
outsiders as (
    select r.bucket, coalesce(r.actor_arn, r.principal_arn, 'an unidentified principal') as reader,
        count(*) as reads, min(r.event_time) as first_read, max(r.event_time) as last_read,
        min(r.object_key) as example_key,
        list(distinct r.session_name order by r.session_name) filter (where r.session_name is not null) as sessions,
        list(distinct r.recipient_account_id order by r.recipient_account_id) as accounts,
        arg_min(r.event_id, r.event_time) as first_event_id, arg_min(r.source_key, r.event_time) as source_key
    from reads r
    where r.bucket in (select bucket from trail_buckets)
      and not exists (select 1 from unnest($audit_readers::VARCHAR[]) p(pattern)
                      where coalesce(r.actor_arn, r.principal_arn) glob p.pattern)
    group by all
)
select
    format('{} read by {}', o.bucket, o.reader) as resource,
    'fail' as status,
    format('{}{} read {} log file(s) of trail bucket {} between {} and {} (for example {}), without being an '
           || 'audit reader.', o.reader,
           case when array_length(coalesce(o.sessions, [])) > 0
                then format(' (sessions {})', array_to_string(o.sessions, ', ')) else '' end,
           o.reads, o.bucket, strftime(o.first_read, '%Y-%m-%dT%H:%M:%SZ'),
           strftime(o.last_read, '%Y-%m-%dT%H:%M:%SZ'), o.example_key) as reason,
    o.bucket,
    b.trails,
    o.reader,
    o.reads,
    o.first_read,
    o.last_read,
    o.example_key,
    o.first_event_id as event_id,
    o.source_key
from outsiders o
join trail_buckets b on b.bucket = o.bucket
union all by name
select
    b.bucket as resource,
    case when exists (select 1 from recorded r where r.bucket = b.bucket) then 'pass' else 'fail' end as status,
    case when exists (select 1 from recorded r where r.bucket = b.bucket) then format(
             'Reads of trail bucket {} are recorded (S3 data events of {}), and no one but the audit readers and '
             || 'CloudTrail read its log files in the period ({} reads by audit readers).', b.bucket,
             (select array_to_string(list(distinct r.trail order by r.trail), ', ') from recorded r
              where r.bucket = b.bucket),
             (select count(*) from reads x where x.bucket = b.bucket))
         else format(
             'No captured trail records S3 read data events on trail bucket {} (used by {}), so who read its log '
             || 'files is not verifiable.', b.bucket, array_to_string(b.trails, ', ')) end as reason,
    b.bucket,
    b.trails
from trail_buckets b
where not exists (select 1 from outsiders o where o.bucket = b.bucket)
order by bucket, resource
