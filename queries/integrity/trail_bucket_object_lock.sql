/*---
id: trail_bucket_object_lock
title: CloudTrail log buckets lock log objects for the retention period (S3 Object Lock)
severity: high
kind: posture
frameworks:
  soc2: [CC7.2, A1.2]
  iso27001: [A.8.15, A.5.33]
  hipaa: ["164.312(b)", "164.312(c)(1)"]
  eu_ai_act: [Art.12, Art.19]
  iso42001: [A.6.2.8]
requires: [trail_bucket_settings]
params: [min_log_retention_days]
description: >
  Evaluates every S3 bucket a captured trail delivers to. Versioning keeps an overwritten log file's earlier version
  but anyone allowed to delete versions can still remove it; only S3 Object Lock makes a log object immutable for a
  set time. A bucket passes when Object Lock is enabled with a default retention rule (so that every object
  CloudTrail writes is locked, as CloudTrail sets no retention of its own) of at least policy.min_log_retention_days
  (Years counted as 365 days). GOVERNANCE mode passes, and the reason says that principals with
  s3:BypassGovernanceRetention can still delete; COMPLIANCE mode cannot be bypassed by anyone. It fails when Object
  Lock is not enabled, is enabled without a default retention rule, or locks for less than the minimum, and when the
  bucket's settings were not captured (not verifiable, never a pass).
remediation: >
  Object Lock can be enabled on an existing versioned bucket (aws s3api put-object-lock-configuration --bucket
  BUCKET --object-lock-configuration 'ObjectLockEnabled=Enabled,Rule={DefaultRetention={Mode=COMPLIANCE,Days=N}}')
  with N at least the required retention; objects written before keep no lock. Add the bucket to sources.s3 when
  its settings were not captured.
---*/
with judged as (
    select *,
        coalesce(object_lock_days, object_lock_years * 365) as lock_days
    from trail_bucket_settings
)
select
    bucket as resource,
    case when settings_captured and object_lock_enabled and lock_days >= $min_log_retention_days
         then 'pass' else 'fail' end as status,
    case
        when not settings_captured then format(
            'Trail bucket {} (used by {}) is not among the captured S3 bucket settings, so whether its log objects '
            || 'are locked cannot be verified.', bucket, array_to_string(trails, ', '))
        when object_lock_enabled is null then format(
            'Trail bucket {} (used by {}): its Object Lock configuration was not captured, so whether its log '
            || 'objects are locked cannot be verified.', bucket, array_to_string(trails, ', '))
        when not object_lock_enabled then format(
            'Trail bucket {} (used by {}) has no Object Lock, so anyone allowed to delete object versions can '
            || 'remove log files.', bucket, array_to_string(trails, ', '))
        when lock_days is null then format(
            'Trail bucket {} (used by {}) has Object Lock enabled without a default retention rule, so the log '
            || 'objects CloudTrail writes are not locked.', bucket, array_to_string(trails, ', '))
        when lock_days < $min_log_retention_days then format(
            'Trail bucket {} (used by {}) locks log objects for {} days ({} mode), less than the required {}.',
            bucket, array_to_string(trails, ', '), lock_days, object_lock_mode, $min_log_retention_days)
        when object_lock_mode = 'GOVERNANCE' then format(
            'Trail bucket {} (used by {}) locks log objects for {} days in GOVERNANCE mode, meeting the required {}; '
            || 'principals with s3:BypassGovernanceRetention can still delete them.',
            bucket, array_to_string(trails, ', '), lock_days, $min_log_retention_days)
        else format(
            'Trail bucket {} (used by {}) locks log objects for {} days in {} mode, meeting the required {}.',
            bucket, array_to_string(trails, ', '), lock_days, object_lock_mode, $min_log_retention_days)
    end as reason,
    bucket_account_id as account_id,
    bucket,
    trails,
    object_lock_enabled,
    object_lock_mode,
    lock_days as object_lock_retention_days,
    $min_log_retention_days as required_retention_days,
    captured_at,
    source_key
from judged
order by bucket
