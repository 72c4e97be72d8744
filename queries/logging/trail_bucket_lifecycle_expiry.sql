/*---
id: trail_bucket_lifecycle_expiry
title: Trail bucket lifecycle rules do not expire log files before the retention period
severity: high
kind: posture
frameworks:
  soc2: [CC7.2]
  iso27001: [A.8.15, A.5.33]
  hipaa: ["164.312(b)"]
  eu_ai_act: [Art.12, Art.19]
  iso42001: [A.6.2.8]
  nist_ai_rmf: [MANAGE 4.1]
requires: [trail_bucket_settings]
params: [min_log_retention_days]
description: >
  Evaluates the lifecycle configuration of every S3 bucket a captured trail delivers to. A finding is an enabled
  rule that applies to the trails' log files and deletes them earlier than policy.min_log_retention_days: an
  Expiration after fewer days, or an Expiration on a date (which deletes every matching object on that day, however
  young). A rule applies when its prefix (Filter.Prefix, Filter.And.Prefix or the legacy top-level Prefix; none
  means the whole bucket) and the trails' log root (<S3KeyPrefix>/AWSLogs/) overlap, one containing the other; a
  rule that requires object tags does not apply, as CloudTrail writes its objects untagged, and size filters are
  taken to apply. Transitions to other storage classes keep the objects and are not findings; noncurrent-version
  expiry removes only overwritten or deleted copies (versioning's concern) and is not judged here. One row per rule
  found; a bucket with none, or with no lifecycle configuration, passes; a bucket whose settings or lifecycle were
  not captured fails as not verifiable.
remediation: >
  Raise the rule's Expiration to at least the required retention (or narrow its prefix so that it no longer covers
  AWSLogs/), and protect the bucket's lifecycle configuration (s3:PutLifecycleConfiguration) from everyone but a
  break-glass role.
---*/
with rules as (
    select b.bucket, b.trails, b.bucket_account_id, b.log_roots, b.captured_at, b.source_key,
           r.rule, r.i as rule_index
    from trail_bucket_settings b,
         unnest(from_json(b.lifecycle_rules, '["JSON"]')) with ordinality as r(rule, i)
),
judged as (
    select *,
        json_extract_string(rule, '$.ID') as rule_id,
        coalesce(json_extract_string(rule, '$.Filter.Prefix'), json_extract_string(rule, '$.Filter.And.Prefix'),
                 json_extract_string(rule, '$.Prefix'), '') as rule_prefix,
        try_cast(json_extract_string(rule, '$.Expiration.Days') as INTEGER) as expiration_days,
        json_extract_string(rule, '$.Expiration.Date') as expiration_date
    from rules
    where json_extract_string(rule, '$.Status') = 'Enabled'
      and json_extract(rule, '$.Filter.Tag') is null
      and coalesce(json_array_length(json_extract(rule, '$.Filter.And.Tags')), 0) = 0
),
found as (
    select *
    from judged
    where (expiration_days < $min_log_retention_days or expiration_date is not null)
      and exists (select 1 from unnest(log_roots) l(root)
                  where starts_with(l.root, rule_prefix) or starts_with(rule_prefix, l.root))
)
select
    format('{} rule {}', bucket, coalesce(rule_id, '#' || rule_index::VARCHAR)) as resource,
    'fail' as status,
    format('Lifecycle rule {} of trail bucket {} (prefix "{}") {}, before the required {} days.',
           coalesce(rule_id, '#' || rule_index::VARCHAR), bucket, rule_prefix,
           case when expiration_date is not null then 'deletes every log file it covers on ' || expiration_date
                else format('deletes log files {} days after they are written', expiration_days) end,
           $min_log_retention_days) as reason,
    bucket_account_id as account_id,
    bucket,
    trails,
    rule_id,
    rule_prefix,
    expiration_days,
    expiration_date,
    $min_log_retention_days as required_retention_days,
    captured_at,
    source_key
from found
union all by name
select
    b.bucket as resource,
    case when b.lifecycle_rules is not null then 'pass' else 'fail' end as status,
    case
        when not b.settings_captured then format(
            'Trail bucket {} (used by {}) is not among the captured S3 bucket settings, so whether lifecycle rules '
            || 'delete its log files cannot be verified.', b.bucket, array_to_string(b.trails, ', '))
        when b.lifecycle_rules is null then format(
            'The lifecycle configuration of trail bucket {} was not captured, so whether it deletes log files '
            || 'cannot be verified.', b.bucket)
        when json_array_length(b.lifecycle_rules) = 0 then format(
            'Trail bucket {} has no lifecycle rule: its log files never expire.', b.bucket)
        else format(
            'No enabled lifecycle rule of trail bucket {} deletes log files before the required {} days.',
            b.bucket, $min_log_retention_days)
    end as reason,
    b.bucket_account_id as account_id,
    b.bucket,
    b.trails,
    $min_log_retention_days as required_retention_days,
    b.captured_at,
    b.source_key
from trail_bucket_settings b
where not exists (select 1 from found f where f.bucket = b.bucket)
order by bucket, resource
