/*---
id: sagemaker_training_starts
description: >
  Every call that starts SageMaker training (CreateTrainingJob, CreateHyperParameterTuningJob, CreateAutoMLJob,
  CreateAutoMLJobV2), once each (from cloudtrail_events_unique), whether it succeeded, failed or was denied. Adds
  job_name, the job the call named (trainingJobName, hyperParameterTuningJobName or autoMLJobName).
requires: [cloudtrail_events_unique]
---*/
select *,
    coalesce(json_extract_string(request_parameters, '$.trainingJobName'),
             json_extract_string(request_parameters, '$.hyperParameterTuningJobName'),
             json_extract_string(request_parameters, '$.autoMLJobName')) as job_name
from cloudtrail_events_unique
where event_source = 'sagemaker.amazonaws.com'
  and event_name in ('CreateTrainingJob', 'CreateHyperParameterTuningJob', 'CreateAutoMLJob', 'CreateAutoMLJobV2')
