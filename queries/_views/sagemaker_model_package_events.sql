/*---
id: sagemaker_model_package_events
description: >
  Every successful CreateModelPackage and UpdateModelPackage call (SageMaker Model Registry), once each (from
  cloudtrail_events_unique). Adds model_package_arn, the package the call registered or changed (from the response
  of CreateModelPackage, from the request of UpdateModelPackage), and model_approval_status, the approval status the
  call set (null when it set none). Failed and denied calls are dropped.
requires: [cloudtrail_events_unique]
---*/
select *,
    case when event_name = 'UpdateModelPackage' then json_extract_string(request_parameters, '$.modelPackageArn')
         else json_extract_string(response_elements, '$.modelPackageArn') end as model_package_arn,
    json_extract_string(request_parameters, '$.modelApprovalStatus') as model_approval_status
from cloudtrail_events_unique
where event_source = 'sagemaker.amazonaws.com'
  and error_code is null
  and event_name in ('UpdateModelPackage', 'CreateModelPackage')
