/*---
id: cloudtrail_log_file_deleted
title: Every log file a CloudTrail digest lists is still in the trail bucket
severity: critical
kind: detection
frameworks:
  soc2: [CC7.2, CC7.3]
  iso27001: [A.8.15, A.5.33]
  hipaa: ["164.312(b)"]
  eu_ai_act: [Art.12]
  iso42001: [A.6.2.8]
  nist_ai_rmf: [MEASURE 2.7]
requires: [cloudtrail_digest_log_files, ingest_objects]
params: [period_start, period_end]
description: >
  With log file validation on, CloudTrail writes a digest file every hour that lists each log file it delivered in
  that hour, with the file's SHA-256 hash; digests are signed and chain to one another, so the list cannot be
  quietly edited. For every digest of the period (digestEndTime in the period), each listed log file is looked up
  among the log objects found in the trail bucket (matched on the key from AWSLogs/ on, so a bucket key prefix or an
  organisation trail's o-id path makes no difference). A listed file that is not in the bucket was delivered and
  then removed, or never arrived although CloudTrail recorded it: either way the events it held are missing from
  the audit trail, and a deletion of delivered audit logs is strong evidence that someone covered their tracks.
remediation: >
  Look the object up in the bucket (ListObjectVersions: a delete marker, or a version that was removed) and in S3
  server access logs or CloudTrail S3 data events for the DeleteObject call, to find who deleted it and when.
  Restore the file from a previous version or a replica and check its hash against the digest's hashValue. Treat an
  unexplained deletion as a security incident, and protect the trail bucket with versioning, MFA delete or S3 Object
  Lock and a bucket policy that denies s3:DeleteObject.
---*/
with expected as (  -- every log file a digest of the period lists, keyed from AWSLogs/ on by the loader
    select *, source_key as digest_source_key
    from cloudtrail_digest_log_files
    where digest_end_time >= $period_start and digest_end_time < $period_end
      and object_key is not null and object_key <> ''
),
present as (  -- every object the run found in the trail bucket, whatever became of it when loading
    select distinct object_key
    from ingest_objects
    where object_key is not null
)
select
    e.object_key as resource,
    'fail' as status,
    format('Log file {} is listed with its {} hash by the CloudTrail digest {} of account {} in region {} (covering '
           || '{} to {}), but it is missing from the trail bucket{}: it was deleted after CloudTrail delivered it, or '
           || 'never delivered although the digest recorded it, so the events it held{} are missing from the audit trail.',
           e.object_key, coalesce(e.hash_algorithm, 'SHA-256'), coalesce(e.digest_source_key, 'with no known key'),
           coalesce(e.account_id, 'unknown'), coalesce(e.region, 'unknown'),
           coalesce(strftime(e.digest_start_time, '%Y-%m-%dT%H:%M:%SZ'), 'an unrecorded start'),
           strftime(e.digest_end_time, '%Y-%m-%dT%H:%M:%SZ'),
           case when e.s3_bucket is not null then format(' {}', e.s3_bucket) else '' end,
           case when e.oldest_event_time is not null and e.newest_event_time is not null
                then format(' ({} to {})', strftime(e.oldest_event_time, '%Y-%m-%dT%H:%M:%SZ'), strftime(e.newest_event_time, '%Y-%m-%dT%H:%M:%SZ')) else '' end) as reason,
    e.account_id,
    e.region,
    e.digest_start_time,
    e.digest_end_time,
    e.digest_source_key,
    e.log_file_index,
    e.object_key,
    e.s3_bucket,
    e.s3_object,
    e.hash_value,
    e.hash_algorithm,
    e.oldest_event_time,
    e.newest_event_time
from expected e
where not exists (select 1 from present p where p.object_key = e.object_key)
order by e.digest_end_time, e.account_id, e.region, e.object_key
