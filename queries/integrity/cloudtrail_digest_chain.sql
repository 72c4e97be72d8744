/*---
id: cloudtrail_digest_chain
title: Every CloudTrail digest chains to the digest before it, with its hash and signature
severity: critical
kind: detection
frameworks:
  soc2: [CC7.2, CC7.3]
  iso27001: [A.8.15, A.5.33]
  hipaa: ["164.312(b)"]
  eu_ai_act: [Art.12]
  iso42001: [A.6.2.8]
  nist_ai_rmf: [MEASURE 2.7]
  cis_aws: ["3.2"]
requires: [cloudtrail_digests]
params: [period_start, period_end]
description: >
  CloudTrail chains its digest files: each names the digest before it of the same trail, account and region
  (previousDigestS3Bucket/previousDigestS3Object), with that file's SHA-256 (previousDigestHashValue) and signature
  (previousDigestSignature). For every digest ending in the period, the digest before it is the one of the same
  trail, account and region with the latest earlier digestEndTime among those read (the period, one day either
  side). A digest fails when it names another digest than that one (a gap: the named digest is missing from the
  bucket, or the chain was rebuilt), when the hash it records is not the SHA-256 of that digest's uncompressed
  content (the earlier digest was altered after this one was written), when the signature it records differs from
  the signature recorded for that digest (its signature metadata was replaced), or when it names no previous digest
  although the digest before it ends exactly where it starts (a chain restarted without logging having stopped).
  Null previous fields are legitimate only on the first digest after logging or validation (re)starts, which begins
  after a gap in time; those digests, and the first digest read of each trail (its predecessor is outside the
  evidence), are not rows. A previous signature that cannot be compared (none recorded) is the signature check's
  concern, not a chain break.
remediation: >
  Treat a broken link as tampering with the audit trail until shown otherwise: restore the missing or altered digest
  from a versioned copy (versioning and Object Lock on the trail bucket), run aws cloudtrail validate-logs for the
  span, and find in the bucket's data events or S3 server access logs who deleted or overwrote the object.
---*/
with digests as (
    select *
    from cloudtrail_digests
    qualify row_number() over (partition by source_key order by ingest_run_id desc) = 1
),
linked as (
    select *,
        lag(source_key) over w as prev_key,
        lag(digest_s3_bucket) over w as prev_bucket,
        lag(digest_s3_object) over w as prev_object,
        lag(digest_sha256) over w as prev_sha256,
        lag(signature) over w as prev_signature,
        lag(digest_end_time) over w as prev_end
    from digests
    window w as (partition by account_id, region, trail_name order by digest_end_time, source_key)
),
judged as (
    select *,
        case
            when prev_key is null then null
            when previous_digest_s3_object is null and previous_digest_hash_value is null then
                case when prev_end = digest_start_time then 'restarted' end
            when previous_digest_s3_object is distinct from prev_object
                 or coalesce(previous_digest_s3_bucket, digest_s3_bucket) is distinct from prev_bucket then 'gap'
            when lower(previous_digest_hash_value) is distinct from prev_sha256 then 'hash_mismatch'
            when prev_signature is not null and lower(previous_digest_signature) is distinct from lower(prev_signature)
                then 'signature_mismatch'
        end as break
    from linked
)
select
    source_key as resource,
    'fail' as status,
    case break
        when 'gap' then format(
            'Digest {} (trail {}, account {}, region {}, ending {}) names {} as the digest before it, but the digest '
            || 'before it in the bucket is {}: the chain has a gap (a digest is missing or the chain was rebuilt).',
            source_key, trail_name, account_id, region, strftime(digest_end_time, '%Y-%m-%dT%H:%M:%SZ'),
            coalesce(previous_digest_s3_object, 'nothing'), prev_key)
        when 'hash_mismatch' then format(
            'Digest {} (trail {}, account {}, region {}, ending {}) records SHA-256 {} for the digest before it, {}, '
            || 'which now hashes to {}: that digest was altered after this one was written.',
            source_key, trail_name, account_id, region, strftime(digest_end_time, '%Y-%m-%dT%H:%M:%SZ'),
            previous_digest_hash_value, prev_key, prev_sha256)
        when 'signature_mismatch' then format(
            'Digest {} (trail {}, account {}, region {}, ending {}) records another signature for the digest before '
            || 'it, {}, than the one that digest carries: its signature metadata was replaced.',
            source_key, trail_name, account_id, region, strftime(digest_end_time, '%Y-%m-%dT%H:%M:%SZ'), prev_key)
        else format(
            'Digest {} (trail {}, account {}, region {}, ending {}) names no digest before it, although {} ends '
            || 'exactly when it starts: the chain restarted while logging went on.',
            source_key, trail_name, account_id, region, strftime(digest_end_time, '%Y-%m-%dT%H:%M:%SZ'), prev_key)
    end as reason,
    break as chain_break,
    account_id,
    region,
    trail_name,
    digest_start_time,
    digest_end_time,
    previous_digest_s3_object,
    previous_digest_hash_value,
    prev_key as previous_digest_read,
    prev_sha256 as previous_digest_sha256,
    source_key
from judged
where break is not null
  and digest_end_time >= $period_start and digest_end_time < $period_end
order by account_id, region, trail_name, digest_end_time
