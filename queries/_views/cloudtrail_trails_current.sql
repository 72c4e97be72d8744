/*---
id: cloudtrail_trails_current
description: >
  One row per trail (by TrailARN, else account and name): the row of the latest capture, preferring a row whose
  status was captured and, among those, the one read in the trail's home region (where its status, selectors and
  CloudWatch Logs delivery are authoritative). Every column of cloudtrail_trails, unchanged.
requires: [cloudtrail_trails]
---*/
select *
from cloudtrail_trails
qualify row_number() over (
    partition by coalesce(trail_arn, account_id || ':' || trail_name)
    order by captured_at desc nulls last, (is_logging is null), (region = home_region) desc nulls last, source_key
) = 1
