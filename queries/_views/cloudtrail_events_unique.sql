/*---
id: cloudtrail_events_unique
description: >
  Every CloudTrail event once. CloudTrail may deliver a record more than once, and two trails (an organisation trail
  and an account trail) may both deliver it: the copies share an eventID. Of the records with one eventID the view
  keeps the first by source_key, then record_index (the first log file that held it, then its position there).
  Records without an eventID are all kept, as nothing shows that they repeat one another. A record is identified by
  its source_key and record_index, as the loader loads every log file once. The columns are those of
  cloudtrail_events. The first copies are found on those three narrow columns and the rows joined back, so that a
  check's own filters still reach the scan of cloudtrail_events. The delivery-gap check reads cloudtrail_events
  itself, since every copy is evidence of a delivery.
requires: [cloudtrail_events]
---*/
with firsts as (
    select event_id, source_key, record_index
    from cloudtrail_events
    where event_id is not null
    qualify row_number() over (partition by event_id order by source_key, record_index) = 1
)
select e.*
from cloudtrail_events e
where e.event_id is null
   or exists (select 1 from firsts f where f.event_id = e.event_id and f.source_key is not distinct from e.source_key
              and f.record_index is not distinct from e.record_index)
