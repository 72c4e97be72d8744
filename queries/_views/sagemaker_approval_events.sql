/*---
id: sagemaker_approval_events
description: >
  Every approval of a SageMaker model package: a successful UpdateModelPackage that set ModelApprovalStatus to
  Approved, or a CreateModelPackage that registered the package already Approved. One row per event (from
  sagemaker_model_package_events), with model_package_arn; calls that set another status, and failed calls, are
  dropped. Approvals of every loaded period are here: a check bounds them to its period where it needs to.
requires: [sagemaker_model_package_events]
---*/
select *
from sagemaker_model_package_events
where model_approval_status = 'Approved'
