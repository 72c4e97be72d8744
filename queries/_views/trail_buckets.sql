/*---
id: trail_buckets
description: >
  Every S3 bucket a captured trail delivers its log files to, once, with the trails that use it, the accounts
  of those trails and where their log files start in the bucket (log_roots: <S3KeyPrefix>/AWSLogs/ or AWSLogs/), joined to its latest captured settings (s3_bucket_settings; when one bucket was captured more
  than once, the latest capture). settings_captured is false when the s3 source holds no row for the bucket: its
  settings, policy and listing are then unknown, which the checks report as not verifiable, never as a pass.
requires: [cloudtrail_trails, s3_bucket_settings]
---*/
with buckets as (
    select
        s3_bucket_name as bucket,
        list(distinct coalesce(trail_arn, trail_name) order by coalesce(trail_arn, trail_name)) as trails,
        list(distinct account_id order by account_id) as trail_accounts,
        -- where the trails' log files start: <S3KeyPrefix>/AWSLogs/ (AWSLogs/ without a key prefix)
        list(distinct case when coalesce(s3_key_prefix, '') = '' then 'AWSLogs/'
                           else rtrim(s3_key_prefix, '/') || '/AWSLogs/' end
             order by case when coalesce(s3_key_prefix, '') = '' then 'AWSLogs/'
                           else rtrim(s3_key_prefix, '/') || '/AWSLogs/' end) as log_roots
    from cloudtrail_trails
    where s3_bucket_name is not null
    group by s3_bucket_name
),
settings as (
    select *
    from s3_bucket_settings
    qualify row_number() over (partition by bucket order by captured_at desc nulls last, source_key) = 1
)
select
    b.bucket,
    b.trails,
    b.trail_accounts,
    b.log_roots,
    s.bucket is not null as settings_captured,
    s.account_id as bucket_account_id,
    s.versioning_status,
    s.object_lock_enabled,
    s.object_lock_mode,
    s.object_lock_days,
    s.object_lock_years,
    s.lifecycle_rules,
    s.has_bucket_policy,
    s.bucket_policy,
    s.log_listing_captured,
    s.captured_at,
    s.source_key
from buckets b
left join settings s on s.bucket = b.bucket
