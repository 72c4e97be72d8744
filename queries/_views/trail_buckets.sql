/*---
id: trail_buckets
description: >
  Every S3 bucket a captured trail delivers its log files to, once, with the trails that use it, the accounts of
  those trails and where their log files start in the bucket (log_roots: <S3KeyPrefix>/AWSLogs/, or AWSLogs/ when
  the trail has no key prefix).
requires: [cloudtrail_trails]
---*/
select
    s3_bucket_name as bucket,
    list(distinct coalesce(trail_arn, trail_name) order by coalesce(trail_arn, trail_name)) as trails,
    list(distinct account_id order by account_id) as trail_accounts,
    list(distinct case when coalesce(s3_key_prefix, '') = '' then 'AWSLogs/'
                       else rtrim(s3_key_prefix, '/') || '/AWSLogs/' end
         order by case when coalesce(s3_key_prefix, '') = '' then 'AWSLogs/'
                       else rtrim(s3_key_prefix, '/') || '/AWSLogs/' end) as log_roots
from cloudtrail_trails
where s3_bucket_name is not null
group by s3_bucket_name
