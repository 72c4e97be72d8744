/*---
id: cloudtrail_log_retention_observed
title: CloudTrail log files are still in the bucket for the whole retention period
severity: high
kind: posture
frameworks:
  soc2: [CC7.2]
  iso27001: [A.8.15, A.5.33]
  hipaa: ["164.312(b)"]
  eu_ai_act: [Art.12, Art.19]
  iso42001: [A.6.2.8]
  nist_ai_rmf: [MANAGE 4.1]
requires: [trail_bucket_settings, s3_trail_log_listings, cloudtrail_events_unique]
params: [min_log_retention_days, period_start, period_end]
description: >
  Retention shown by the data rather than by the settings. For every account and region prefix of CloudTrail log
  files (AWSLogs/<account>/CloudTrail/<region>/) in a bucket a captured trail delivers to, the s3 source lists the
  oldest object still present (keys list in date order). The prefix passes when that object's day lies at least
  policy.min_log_retention_days before the listing was captured. When it is younger, the trail may simply be
  younger than the window, or log files that should still exist are gone; the evidence of the trail's age is the
  oldest object of the same account in any other prefix of the bucket (another region, or the digest files) and a
  successful CreateTrail call naming the bucket in the loaded CloudTrail events (up to the end of the period,
  looking back the retention window from its start). It fails when other objects of the
  account are older than the window (logs are gone), passes when a CreateTrail call shows the trail was created
  within the window (said in the reason), and otherwise fails as not verifiable. A prefix with no dated object
  fails, and so does a trail bucket whose oldest objects were not listed.
remediation: >
  Find what removed the log files (lifecycle rules, a delete by a principal in the bucket policy, a bucket
  migration) and stop it; restore the files from a replica or backup where one exists, and record the gap for the
  auditor. Then lock the bucket (S3 Object Lock) for the retention period.
---*/
with listings as (
    select *
    from s3_trail_log_listings
    where bucket in (select bucket from trail_bucket_settings)
),
account_first as (
    select bucket, log_account_id, min(oldest_key_date) as first_object_date
    from listings
    group by bucket, log_account_id
),
created as (
    select json_extract_string(request_parameters, '$.s3BucketName') as bucket,
           recipient_account_id as log_account_id, max(event_time) as created_at
    from cloudtrail_events_unique
    where event_source = 'cloudtrail.amazonaws.com' and event_name = 'CreateTrail' and error_code is null
      -- a creation older than the window cannot make a trail young: look back no further than the window
      and event_time >= $period_start - to_days($min_log_retention_days) and event_time < $period_end
    group by all
),
judged as (
    select l.*, t.trails, a.first_object_date, c.created_at,
        l.captured_at - to_days($min_log_retention_days) as window_start,
        date_diff('day', l.oldest_key_date, l.captured_at) as oldest_age_days
    from listings l
    join trail_bucket_settings t on t.bucket = l.bucket
    join account_first a on a.bucket = l.bucket and a.log_account_id = l.log_account_id
    left join created c on c.bucket = l.bucket and c.log_account_id = l.log_account_id
    where l.kind = 'log'
)
select
    format('{}/{}', bucket, prefix) as resource,
    case when oldest_key_date <= window_start then 'pass'
         when oldest_key_date is not null and created_at > window_start then 'pass'
         else 'fail' end as status,
    case
        when oldest_key_date is null then format(
            'Prefix {} of trail bucket {} holds no dated log file at capture, so none of the required {} days of '
            || 'logs is there.', prefix, bucket, $min_log_retention_days)
        when oldest_key_date <= window_start then format(
            'The oldest log file under {} in trail bucket {} is from {} ({} days before capture), so the required '
            || '{} days of logs are there.', prefix, bucket, strftime(oldest_key_date, '%Y-%m-%d'), oldest_age_days,
            $min_log_retention_days)
        when created_at > window_start then format(
            'The oldest log file under {} in trail bucket {} is from {} ({} days before capture), and the trail was '
            || 'created on {}, within the required {} days: it is younger than the retention period.',
            prefix, bucket, strftime(oldest_key_date, '%Y-%m-%d'), oldest_age_days,
            strftime(created_at, '%Y-%m-%d'), $min_log_retention_days)
        when first_object_date <= window_start then format(
            'The oldest log file under {} in trail bucket {} is from {} ({} days before capture), but the trail '
            || 'has delivered files of account {} there since {}: log files of the required {} days that should '
            || 'still exist are gone.', prefix, bucket, strftime(oldest_key_date, '%Y-%m-%d'), oldest_age_days,
            log_account_id, strftime(first_object_date, '%Y-%m-%d'), $min_log_retention_days)
        else format(
            'The oldest log file under {} in trail bucket {} is from {} ({} days before capture), less than the '
            || 'required {} days, and nothing shows whether the trail is younger than that (no older object of '
            || 'account {} and no CreateTrail call in the loaded logs): not verifiable.',
            prefix, bucket, strftime(oldest_key_date, '%Y-%m-%d'), oldest_age_days, $min_log_retention_days,
            log_account_id)
    end as reason,
    account_id,
    bucket,
    trails,
    log_account_id,
    region,
    oldest_key,
    oldest_key_date,
    oldest_age_days,
    first_object_date,
    created_at as trail_created_at,
    $min_log_retention_days as required_retention_days,
    captured_at,
    source_key
from judged
union all by name
select
    b.bucket as resource,
    'fail' as status,
    case
        when not b.settings_captured then format(
            'Trail bucket {} (used by {}) is not among the captured S3 bucket settings, so how far back its log '
            || 'files go cannot be verified.', b.bucket, array_to_string(b.trails, ', '))
        when not coalesce(b.log_listing_captured, false) then format(
            'The oldest log files of trail bucket {} were not listed, so how far back its log files go cannot be '
            || 'verified.', b.bucket)
        else format(
            'Trail bucket {} (used by {}) holds no CloudTrail log prefix of account {} at capture, so none of its '
            || 'required {} days of logs is there.', b.bucket, array_to_string(b.trails, ', '), a.account,
            $min_log_retention_days)
    end as reason,
    b.bucket_account_id as account_id,
    b.bucket,
    b.trails,
    a.account as log_account_id,
    $min_log_retention_days as required_retention_days,
    b.captured_at,
    b.source_key
from trail_bucket_settings b, unnest(b.trail_accounts) a(account)
where not (b.settings_captured and coalesce(b.log_listing_captured, false))
      and a.account = b.trail_accounts[1]
   or (b.settings_captured and b.log_listing_captured
       and not exists (select 1 from listings l where l.bucket = b.bucket and l.log_account_id = a.account
                       and l.kind = 'log'))
order by bucket, resource
