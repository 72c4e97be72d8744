/*---
id: mlflow_model_versions_as_of
description: >
  Every MLflow model version of every registry snapshot (the columns of mlflow_model_versions), with the window of
  period ends for which its snapshot is the one that shows the registry's state: a check evaluating the state at the
  end of its period keeps the rows where state_from <= $period_end < state_until. That is the latest snapshot taken
  at or before the period end, or, when every snapshot was taken after it, the first one (state_from is
  0001-01-01 for the first snapshot, state_until 9999-12-31 for the last: the ends of time every engine can hold,
  where DuckDB's infinities have no equivalent in Spark). alias_list is the version's aliases as a list.
requires: [mlflow_model_versions]
---*/
with snapshots as (
    select snapshot_at,
        case when row_number() over (order by snapshot_at) = 1 then '0001-01-01 00:00:00'::TIMESTAMP else snapshot_at end
            as state_from,
        coalesce(lead(snapshot_at) over (order by snapshot_at), '9999-12-31 23:59:59'::TIMESTAMP) as state_until
    from (select distinct snapshot_at from mlflow_model_versions)
)
select v.*, s.state_from, s.state_until,
    coalesce(from_json(v.aliases, '["VARCHAR"]'), []::VARCHAR[]) as alias_list
from mlflow_model_versions v
join snapshots s on s.snapshot_at = v.snapshot_at
