/*---
id: sagemaker_model_package_events
description: >
  Every successful CreateModelPackage and UpdateModelPackage call (SageMaker Model Registry), once each (from
  cloudtrail_events_unique). Adds model_package_arn, the package the call registered or changed (from the response
  of CreateModelPackage, from the request of UpdateModelPackage), and model_approval_status, the approval status the
  call set (null when it set none). Failed and denied calls are dropped. Adds person, the person who made the call,
  so that checks compare people, not roles: for an assumed role the role session name (people assume roles under
  their own name, so alice as ml-engineer/alice and as ml-approver/alice is one person), for an IAM user the user
  name, both lower-cased; for other identities the principal ARN. identity is how a reason names the caller.
requires: [cloudtrail_events_unique]
---*/
select *,
    case when event_name = 'UpdateModelPackage' then json_extract_string(request_parameters, '$.modelPackageArn')
         else json_extract_string(response_elements, '$.modelPackageArn') end as model_package_arn,
    json_extract_string(request_parameters, '$.modelApprovalStatus') as model_approval_status,
    case when user_type = 'AssumedRole' and session_name is not null then lower(session_name)
         when user_type = 'IAMUser' and principal_arn is not null then lower(regexp_extract(principal_arn, '[^/]+$'))
         else coalesce(principal_arn, principal_id, actor_arn) end as person,
    case when user_type = 'AssumedRole' and session_name is not null
         then format('{} (role {})', session_name, coalesce(actor_arn, principal_arn, 'unknown'))
         else coalesce(principal_arn, actor_arn, principal_id, 'an unidentified principal') end as identity
from cloudtrail_events_unique
where event_source = 'sagemaker.amazonaws.com'
  and error_code is null
  and event_name in ('UpdateModelPackage', 'CreateModelPackage')
