/*---
id: sagemaker_training_denied
title: No one is denied starting SageMaker training
severity: medium
kind: detection
frameworks:
  soc2: [CC6.1, CC7.2]
  iso27001: [A.8.16, A.8.32]
  iso42001: [A.6.2.5]
  nist_ai_rmf: [MANAGE 1.1]
requires: [sagemaker_training_starts]
params: [period_start, period_end]
description: >
  Lists every attempt in the period to start SageMaker training (CreateTrainingJob, CreateHyperParameterTuningJob,
  CreateAutoMLJob, CreateAutoMLJobV2) that was denied (errorCode AccessDenied, AccessDeniedException,
  UnauthorizedOperation or Client.UnauthorizedOperation), in any account. The permissions held, but someone without
  the right to train tried to: a mistaken role, a script run with the wrong credentials, or someone probing. Each
  attempt is a row; sagemaker_training_outside_pipeline covers the starts that succeeded.
remediation: >
  Ask the principal what they meant to train and with which data. If it was a legitimate need, route it through the
  training pipeline; if not, review the principal's other activity around that time.
---*/
select
    coalesce(job_name, format('unnamed job (event {})', event_id)) as resource,
    'fail' as status,
    format('{}{} was denied {} ({}) in account {} at {}.',
           coalesce(actor_arn, principal_arn, 'an unidentified principal'),
           case when session_name is not null then format(' (session {})', session_name) else '' end,
           event_name, error_code, coalesce(recipient_account_id, 'of unrecorded id'),
           strftime(event_time, '%Y-%m-%dT%H:%M:%SZ')) as reason,
    job_name,
    event_name,
    error_code,
    actor_arn,
    principal_arn,
    session_name,
    recipient_account_id as account_id,
    aws_region as region,
    event_time,
    source_ip_address,
    event_id,
    source_key,
    record_index
from sagemaker_training_starts
where event_time >= $period_start and event_time < $period_end
  and access_denied
order by event_time, event_id
