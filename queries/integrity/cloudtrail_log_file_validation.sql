/*---
id: cloudtrail_log_file_validation
title: CloudTrail trails have log file integrity validation enabled
severity: high
kind: posture
frameworks:
  soc2: [CC7.2]
  iso27001: [A.8.15, A.5.33]
  hipaa: ["164.312(b)"]
  eu_ai_act: [Art.12]
  iso42001: [A.6.2.8]
  cis_aws: ["3.2"]
requires: [cloudtrail_trails]
params: []
description: >
  Evaluates every trail (once, even when DescribeTrails lists a multi-region trail in every region). With log file
  validation, CloudTrail writes signed hourly digest files that let anyone prove later that the delivered log files
  were not modified, deleted or forged. Without it, the audit trail this report rests on cannot be shown to be
  intact. A trail whose setting was not captured fails: integrity that cannot be shown is not assumed.
remediation: >
  Enable log file validation on the trail (aws cloudtrail update-trail --name TRAIL --enable-log-file-validation)
  and validate the delivered logs periodically (aws cloudtrail validate-logs).
---*/
with trails as (
    select *
    from cloudtrail_trails
    qualify row_number() over (
        partition by coalesce(trail_arn, account_id || ':' || trail_name)
        order by (region = home_region) desc nulls last, captured_at desc nulls last
    ) = 1
)
select
    coalesce(trail_arn, format('{}/{}/{}', account_id, region, trail_name)) as resource,
    case when log_file_validation_enabled then 'pass' else 'fail' end as status,
    case
        when log_file_validation_enabled then format(
            'Trail {} of account {} (home region {}) has log file validation enabled, so digest files can prove '
            || 'its log files were not altered.', trail_name, account_id, coalesce(home_region, region))
        when log_file_validation_enabled is null then format(
            'Trail {} of account {} (home region {}): whether log file validation is enabled was not captured, '
            || 'so the integrity of its log files cannot be shown.', trail_name, account_id, coalesce(home_region, region))
        else format(
            'Trail {} of account {} (home region {}) has log file validation disabled, so there is no digest to prove '
            || 'its log files were not altered or deleted.', trail_name, account_id, coalesce(home_region, region))
    end as reason,
    account_id,
    coalesce(home_region, region) as home_region,
    trail_name,
    log_file_validation_enabled,
    is_multi_region_trail,
    s3_bucket_name,
    captured_at,
    source_key
from trails
order by account_id, trail_name
