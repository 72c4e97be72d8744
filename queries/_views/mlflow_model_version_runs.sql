/*---
id: mlflow_model_version_runs
description: >
  Every MLflow model version of every snapshot (the columns of mlflow_model_versions_as_of) with what the run it
  names recorded, from the same snapshot's runs/get. run_state says whether the run could be read: found; not_found
  (the server answered RESOURCE_DOES_NOT_EXIST: the run was deleted and purged, or never existed); no_run_id (the
  version was registered without a run); not_captured (the snapshot holds no runs/get answer for it). git_commit is
  the run's mlflow.source.git.commit tag (null when absent or blank), source_name and source_type its
  mlflow.source.name and mlflow.source.type tags, dataset_inputs the datasets it logged ([{name, digest,
  source_type, context}]) and dataset_input_count their number (0 when it logged none or was not found).
requires: [mlflow_model_versions_as_of, mlflow_runs]
---*/
select v.*,
    case when nullif(trim(v.run_id), '') is null then 'no_run_id'
         when r.run_id is null then 'not_captured'
         when r.error_code is not null then 'not_found'
         else 'found' end as run_state,
    r.error_code as run_error_code,
    r.lifecycle_stage as run_lifecycle_stage,
    nullif(trim(json_extract_string(r.tags, '$."mlflow.source.git.commit"')), '') as git_commit,
    json_extract_string(r.tags, '$."mlflow.source.name"') as source_name,
    json_extract_string(r.tags, '$."mlflow.source.type"') as source_type,
    r.dataset_inputs,
    coalesce(json_array_length(r.dataset_inputs), 0) as dataset_input_count,
    r.source_key as run_source_key
from mlflow_model_versions_as_of v
left join mlflow_runs r on r.snapshot_at = v.snapshot_at and r.run_id = v.run_id
