/*---
id: sagemaker_model_packages_current
description: >
  One row per SageMaker model package: its latest capture (captured_at, latest first; a capture without a time
  last), as the registry showed it then. The columns are those of sagemaker_model_packages.
requires: [sagemaker_model_packages]
---*/
select *
from sagemaker_model_packages
qualify row_number() over (partition by model_package_arn order by captured_at desc nulls last) = 1
