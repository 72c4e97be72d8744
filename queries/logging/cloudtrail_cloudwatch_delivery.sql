/*---
id: cloudtrail_cloudwatch_delivery
title: Every trail sends its events to CloudWatch Logs, and the delivery works
severity: medium
kind: posture
frameworks:
  soc2: [CC7.2]
  iso27001: [A.8.16]
  hipaa: ["164.308(a)(1)(ii)(D)"]
  iso42001: [A.6.2.6]
  nist_ai_rmf: [MANAGE 4.1]
requires: [cloudtrail_trails_current]
params: []
description: >
  Evaluates every captured trail (one row per trail, from cloudtrail_trails_current). Log files in S3 are a record;
  real-time monitoring (metric filters and alarms on StopLogging, root use, unauthorised calls) needs the trail to
  deliver its events to a CloudWatch Logs log group as well. A trail passes when it names a log group
  (CloudWatchLogsLogGroupArn) and GetTrailStatus shows a CloudWatch Logs delivery without a delivery error, no more
  than 24 hours behind the trail's latest S3 delivery. It fails when it names no log group, when the status shows a
  delivery error (LatestCloudWatchLogsDeliveryError: typically the role CloudWatchLogsRoleArn lost its permission),
  when it has never delivered, when its delivery stalled more than 24 hours behind S3, and when its status
  (GetTrailStatus) was not captured: then that delivery works cannot be shown, and missing evidence is never a pass.
remediation: >
  Configure the trail to send to a log group (aws cloudtrail update-trail --name TRAIL --cloud-watch-logs-log-group-arn
  ARN --cloud-watch-logs-role-arn ROLE), give the role logs:CreateLogStream and logs:PutLogEvents on that group, and
  check GetTrailStatus again; then add metric filters and alarms for the events you must react to.
---*/
select
    coalesce(trail_arn, format('{}/{}/{}', account_id, region, trail_name)) as resource,
    case
        when nullif(cloud_watch_logs_log_group_arn, '') is null then 'fail'
        when is_logging is null then 'fail'
        when nullif(latest_cloud_watch_logs_delivery_error, '') is not null then 'fail'
        when latest_cloud_watch_logs_delivery_time is null then 'fail'
        when latest_delivery_time > latest_cloud_watch_logs_delivery_time + interval 24 hours then 'fail'
        else 'pass'
    end as status,
    case
        when nullif(cloud_watch_logs_log_group_arn, '') is null then format(
            'Trail {} of account {} (home region {}) does not send its events to CloudWatch Logs (no '
            || 'CloudWatchLogsLogGroupArn), so no metric filter or alarm can react to what it records.',
            trail_name, account_id, coalesce(home_region, region))
        when is_logging is null then format(
            'Trail {} of account {} (home region {}) names log group {}, but its status (GetTrailStatus) was not '
            || 'captured, so it cannot be shown that events reach it.',
            trail_name, account_id, coalesce(home_region, region), cloud_watch_logs_log_group_arn)
        when nullif(latest_cloud_watch_logs_delivery_error, '') is not null then format(
            'Trail {} of account {} (home region {}) fails to deliver to CloudWatch Logs group {}: {}.',
            trail_name, account_id, coalesce(home_region, region), cloud_watch_logs_log_group_arn,
            latest_cloud_watch_logs_delivery_error)
        when latest_cloud_watch_logs_delivery_time is null then format(
            'Trail {} of account {} (home region {}) names log group {} but has never delivered an event to it.',
            trail_name, account_id, coalesce(home_region, region), cloud_watch_logs_log_group_arn)
        when latest_delivery_time > latest_cloud_watch_logs_delivery_time + interval 24 hours then format(
            'Trail {} of account {} (home region {}) last delivered to CloudWatch Logs group {} at {}, more than 24 '
            || 'hours before its latest S3 delivery at {}: the CloudWatch Logs delivery has stalled.',
            trail_name, account_id, coalesce(home_region, region), cloud_watch_logs_log_group_arn,
            strftime(latest_cloud_watch_logs_delivery_time, '%Y-%m-%dT%H:%M:%SZ'),
            strftime(latest_delivery_time, '%Y-%m-%dT%H:%M:%SZ'))
        else format(
            'Trail {} of account {} (home region {}) delivers to CloudWatch Logs group {} (latest delivery {}, no '
            || 'delivery error).', trail_name, account_id, coalesce(home_region, region),
            cloud_watch_logs_log_group_arn, strftime(latest_cloud_watch_logs_delivery_time, '%Y-%m-%dT%H:%M:%SZ'))
    end as reason,
    account_id,
    coalesce(home_region, region) as home_region,
    trail_name,
    cloud_watch_logs_log_group_arn,
    cloud_watch_logs_role_arn,
    latest_cloud_watch_logs_delivery_time,
    latest_cloud_watch_logs_delivery_error,
    latest_delivery_time,
    captured_at,
    source_key
from cloudtrail_trails_current
order by account_id, trail_name
