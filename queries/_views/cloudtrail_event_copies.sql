/*---
id: cloudtrail_event_copies
description: >
  The later copies of CloudTrail records delivered more than once: of the records that share an eventID, every one
  but the first by source_key, then record_index (the first log file that held it, then its position there). A
  real trail repeats few records, so this is small; it is computed once per run, and cloudtrail_events_unique
  leaves these rows out. One row per copy: event_id, source_key, record_index.
requires: [cloudtrail_events]
materialize: true
---*/
with repeated as (
    select event_id
    from cloudtrail_events
    where event_id is not null
    group by event_id
    having count(*) > 1
)
select event_id, source_key, record_index
from cloudtrail_events
where event_id in (select event_id from repeated)
qualify row_number() over (partition by event_id order by source_key, record_index) > 1
