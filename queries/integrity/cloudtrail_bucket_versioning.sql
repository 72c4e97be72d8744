/*---
id: cloudtrail_bucket_versioning
title: CloudTrail log buckets have versioning enabled
severity: high
kind: posture
frameworks:
  soc2: [CC7.2, A1.2]
  iso27001: [A.8.15, A.5.33]
  hipaa: ["164.312(b)"]
  eu_ai_act: [Art.12, Art.19]
  iso42001: [A.6.2.8]
requires: [cloudtrail_trails, s3_bucket_settings]
params: []
description: >
  Evaluates every S3 bucket that a captured trail delivers its log files to. With versioning enabled, a log object
  that is overwritten or deleted keeps its earlier versions, so the audit trail survives a mistake or an attacker
  with write access to the bucket. A bucket that is not among the captured bucket settings fails too: its versioning
  cannot be verified, and missing evidence is never reported as a pass. MFA delete and Object Lock are shown as
  evidence; they strengthen the control but are not required by this check.
remediation: >
  Enable versioning on the bucket (aws s3api put-bucket-versioning --bucket BUCKET --versioning-configuration
  Status=Enabled), consider Object Lock in compliance mode for log buckets, and add the bucket to the s3 source
  (sources.s3.buckets) when its settings were not captured.
---*/
with trail_buckets as (
    select
        s3_bucket_name as bucket,
        list(distinct coalesce(trail_arn, trail_name) order by coalesce(trail_arn, trail_name)) as trails,
        list(distinct account_id order by account_id) as trail_accounts
    from cloudtrail_trails
    where s3_bucket_name is not null
    group by s3_bucket_name
),
settings as (
    select *
    from s3_bucket_settings
    qualify row_number() over (partition by bucket order by captured_at desc nulls last) = 1
)
select
    b.bucket as resource,
    case when s.bucket is not null and s.versioning_status = 'Enabled' then 'pass' else 'fail' end as status,
    case
        when s.bucket is null then format(
            'Trail bucket {} (used by {}) is not among the captured S3 bucket settings, so its versioning cannot be '
            || 'verified.', b.bucket, array_to_string(b.trails, ', '))
        when s.versioning_status = 'Enabled' then format(
            'Trail bucket {} (used by {}) has versioning enabled, so overwritten or deleted log files keep their '
            || 'earlier versions.', b.bucket, array_to_string(b.trails, ', '))
        when s.versioning_status is null then format(
            'Trail bucket {} (used by {}) has never had versioning enabled, so an overwritten or deleted log file '
            || 'is lost.', b.bucket, array_to_string(b.trails, ', '))
        else format(
            'Trail bucket {} (used by {}) has versioning {} rather than Enabled, so log files written now keep no '
            || 'earlier versions.', b.bucket, array_to_string(b.trails, ', '), s.versioning_status)
    end as reason,
    s.account_id,
    b.bucket,
    b.trails,
    s.versioning_status,
    s.mfa_delete,
    s.object_lock_enabled,
    s.object_lock_mode,
    s.captured_at,
    s.source_key
from trail_buckets b
left join settings s on s.bucket = b.bucket
order by b.bucket
