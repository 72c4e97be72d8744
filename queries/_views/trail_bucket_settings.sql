/*---
id: trail_bucket_settings
description: >
  Every trail bucket (trail_buckets) joined to its latest captured settings (s3_bucket_settings; when one bucket was
  captured more than once, the latest capture). settings_captured is false when the s3 source holds no row for the
  bucket: its settings, policy and listing are then unknown, which the checks report as not verifiable, never as a
  pass.
requires: [trail_buckets, s3_bucket_settings]
---*/
with settings as (
    select *
    from s3_bucket_settings
    qualify row_number() over (partition by bucket order by captured_at desc nulls last, source_key) = 1
)
select
    b.*,
    s.bucket is not null as settings_captured,
    s.account_id as bucket_account_id,
    s.versioning_status,
    s.object_lock_enabled,
    s.object_lock_mode,
    s.object_lock_days,
    s.object_lock_years,
    s.lifecycle_rules,
    s.bucket_policy_found,
    s.bucket_policy,
    s.log_listing_captured,
    s.captured_at,
    s.source_key
from trail_buckets b
left join settings s on s.bucket = b.bucket
