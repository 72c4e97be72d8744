/*---
id: cloudtrail_log_file_modified
title: Every log file a CloudTrail digest lists still has the SHA-256 hash the digest recorded
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
  that hour with the SHA-256 hash of its uncompressed content; digests are signed and chain to one another, so the
  recorded hashes cannot be quietly edited. For every digest of the period (digestEndTime in the period), each
  listed log file that is in the trail bucket (matched on the key from AWSLogs/ on, as cloudtrail_log_file_deleted
  matches it; a listed file that is missing is that check's finding) is verified: the SHA-256 of the object's
  gunzipped content, computed when it was loaded (the latest load when an object was seen more than once), must
  equal the digest's hashValue. A file whose content hash differs, or that is not a readable gzip stream at all, is
  not the file CloudTrail delivered: it was altered afterwards, typically to remove or edit the events that would
  show what someone did, and none of its records can be trusted. A hash algorithm other than SHA-256 cannot be
  verified and fails as well.
remediation: >
  Treat the file as tampered evidence and the change as a security incident. List the object's versions in the
  bucket (ListObjectVersions) and restore the version whose uncompressed content matches the digest's hashValue, or
  take it from a replica; compare the two to see which events were removed or changed. Find who wrote the object
  after delivery in S3 server access logs or CloudTrail S3 data events (PutObject on the trail bucket), and protect
  the bucket with S3 Object Lock, versioning and a bucket policy that allows writes to CloudTrail only. Validate the
  whole trail with `aws cloudtrail validate-logs`.
---*/
with expected as (  -- every log file a digest of the period lists, keyed from AWSLogs/ on by the loader
    select *, source_key as digest_source_key
    from cloudtrail_digest_log_files
    where digest_end_time >= $period_start and digest_end_time < $period_end
      and object_key is not null and object_key <> ''
),
present as (  -- the latest ingest row of every object the run found in the trail bucket (a 'changed' flag comes last)
    select object_key, status as ingest_status, sha256 as object_sha256, content_sha256, loaded_at
    from (
        select object_key, status, sha256, content_sha256, loaded_at,
               row_number() over (
                   partition by object_key
                   order by loaded_at desc nulls last, (status = 'changed') desc nulls last, batch_id desc nulls last,
                            content_sha256 nulls first
               ) as rn
        from ingest_objects
        where object_key is not null
    )
    where rn = 1
),
verified as (
    select e.*, p.ingest_status, p.object_sha256, p.content_sha256, p.loaded_at,
           coalesce(upper(e.hash_algorithm) = 'SHA-256', false) as algorithm_ok,
           nullif(lower(trim(e.hash_value)), '') as expected_hash,
           lower(p.content_sha256) as actual_hash
    from expected e
    join present p on p.object_key = e.object_key
)
select
    v.object_key as resource,
    'fail' as status,
    format('Log file {} in the trail bucket{} is listed by the CloudTrail digest {} of account {} in region {} (covering '
           || '{} to {}), {}',
           v.object_key,
           case when v.s3_bucket is not null then format(' {}', v.s3_bucket) else '' end,
           coalesce(v.digest_source_key, 'with no known key'),
           coalesce(v.account_id, 'unknown'), coalesce(v.region, 'unknown'),
           coalesce(strftime(v.digest_start_time, '%Y-%m-%dT%H:%M:%SZ'), 'an unrecorded start'),
           strftime(v.digest_end_time, '%Y-%m-%dT%H:%M:%SZ'),
           case
               when not v.algorithm_ok then format(
                   'but the digest records its hash with the algorithm {} (hash {}), which is not verifiable: only '
                   || 'SHA-256 is, so the file cannot be shown to be the one CloudTrail delivered.',
                   coalesce(v.hash_algorithm, 'none given'), coalesce(v.hash_value, 'none'))
               when v.expected_hash is null then
                   'but the digest records no hash value for it, which is not verifiable, so the file cannot be shown '
                   || 'to be the one CloudTrail delivered.'
               when v.actual_hash is null then format(
                   'with the SHA-256 hash {} of its uncompressed content, but the object in the bucket is not a readable '
                   || 'gzip stream (actual SHA-256: none), so it cannot be the file CloudTrail delivered: it was altered '
                   || 'or damaged after delivery and the events it held{} cannot be verified.',
                   v.expected_hash,
                   case when v.oldest_event_time is not null and v.newest_event_time is not null
                        then format(' ({} to {})', strftime(v.oldest_event_time, '%Y-%m-%dT%H:%M:%SZ'), strftime(v.newest_event_time, '%Y-%m-%dT%H:%M:%SZ')) else '' end)
               else format(
                   'with the SHA-256 hash {} of its uncompressed content, but the object in the bucket hashes to {}: it '
                   || 'was altered after CloudTrail delivered it (events removed or edited), so the events it '
                   || 'holds{} cannot be trusted.',
                   v.expected_hash, v.actual_hash,
                   case when v.oldest_event_time is not null and v.newest_event_time is not null
                        then format(' ({} to {} when delivered)', strftime(v.oldest_event_time, '%Y-%m-%dT%H:%M:%SZ'), strftime(v.newest_event_time, '%Y-%m-%dT%H:%M:%SZ')) else '' end)
           end) as reason,
    v.account_id,
    v.region,
    v.digest_start_time,
    v.digest_end_time,
    v.digest_source_key,
    v.log_file_index,
    v.object_key,
    v.s3_bucket,
    v.s3_object,
    v.hash_value,
    v.hash_algorithm,
    v.oldest_event_time,
    v.newest_event_time,
    case when v.algorithm_ok then v.expected_hash end as expected_sha256,
    v.actual_hash as actual_sha256,
    v.ingest_status,
    v.object_sha256,
    v.loaded_at
from verified v
where not v.algorithm_ok
   or v.expected_hash is null
   or v.actual_hash is null
   or v.actual_hash <> v.expected_hash
order by v.digest_end_time, v.account_id, v.region, v.object_key
