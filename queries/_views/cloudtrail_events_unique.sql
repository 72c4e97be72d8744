/*---
id: cloudtrail_events_unique
description: >
  Every CloudTrail event once. CloudTrail may deliver a record more than once, and two trails (an organisation trail
  and an account trail) may both deliver it: the copies share an eventID. Of the records with one eventID the view
  keeps the first by source_key, then record_index (the first log file that held it, then its position there).
  Records without an eventID are all kept, as nothing shows that they repeat one another. A record is identified by
  its source_key and record_index, as the loader loads every log file once. The columns are those of
  cloudtrail_events, plus access_denied: the call was refused for want of permission (errorCode AccessDenied,
  AccessDeniedException, UnauthorizedOperation or Client.UnauthorizedOperation), defined here once for every check
  that tells denials from other errors. The copies to leave out are found once per run (cloudtrail_event_copies) and this view is an
  anti-join against them, so that a check's own filters still reach the scan of cloudtrail_events. The
  delivery-gap check reads cloudtrail_events itself, since every copy is evidence of a delivery.
requires: [cloudtrail_events, cloudtrail_event_copies]
---*/
select e.*,
    e.error_code in ('AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'Client.UnauthorizedOperation')
        is true as access_denied
from cloudtrail_events e
where not exists (select 1 from cloudtrail_event_copies c
                  where c.event_id = e.event_id and c.source_key is not distinct from e.source_key
                    and c.record_index is not distinct from e.record_index)
