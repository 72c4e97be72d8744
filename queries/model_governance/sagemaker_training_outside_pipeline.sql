/*---
id: sagemaker_training_outside_pipeline
title: In production accounts, models are trained only by the pipeline roles
severity: high
kind: detection
frameworks:
  soc2: [CC8.1, CC6.3]
  iso27001: [A.8.32, A.8.25]
  eu_ai_act: [Art.17]
  iso42001: [A.6.2.4, A.6.2.5]
  nist_ai_rmf: [GOVERN 1.4, MANAGE 1.1]
requires: [sagemaker_training_starts]
params: [period_start, period_end, production_accounts, pipeline_roles]
description: >
  Lists every successful start of SageMaker training in the period (CreateTrainingJob, CreateHyperParameterTuningJob,
  CreateAutoMLJob, CreateAutoMLJobV2) in an account of policy.production_accounts (every account when the list is
  empty) whose actor matches none of the GLOB patterns in policy.pipeline_roles: a model retrained by hand, outside
  the pipeline that versions its code and data. For an assumed-role session the actor is the role ARN. Failed
  attempts are not starts (sagemaker_training_denied lists the denied ones). Experiments in accounts outside
  policy.production_accounts are not held to it. With no pipeline role configured, every start there is reported.
remediation: >
  Find out who started the job and why, and whether its model reached the registry or an endpoint. Retrain through
  the pipeline, and allow sagemaker:CreateTrainingJob in the production accounts only to the pipeline roles (an IAM
  condition or an SCP); keep policy.pipeline_roles in step.
---*/
with starts as (
    select *
    from sagemaker_training_starts
    where event_time >= $period_start and event_time < $period_end
      and error_code is null
      and (array_length($production_accounts::VARCHAR[]) = 0
           or recipient_account_id in (select unnest($production_accounts::VARCHAR[])))
)
select
    coalesce(job_name, format('unnamed job (event {})', event_id)) as resource,
    'fail' as status,
    format('{} started {} in account {} at {}, and {} matches none of the pipeline roles ({}).',
           coalesce(actor_arn, principal_arn, 'an unidentified principal'), coalesce(job_name, 'a job of unrecorded name'),
           coalesce(recipient_account_id, 'of unrecorded id'), strftime(event_time, '%Y-%m-%dT%H:%M:%SZ'),
           case when session_name is not null then format('the role (session {})', session_name) else 'the principal' end,
           case when array_length($pipeline_roles::VARCHAR[]) = 0 then 'none are configured in policy.pipeline_roles'
                else array_to_string($pipeline_roles::VARCHAR[], ', ') end) as reason,
    job_name,
    event_name,
    actor_arn,
    principal_arn,
    session_name,
    user_type,
    recipient_account_id as account_id,
    aws_region as region,
    event_time,
    source_ip_address,
    event_id,
    source_key,
    record_index
from starts
where not exists (select 1 from unnest($pipeline_roles::VARCHAR[]) t(p) where actor_arn glob t.p)
order by event_time, event_id
