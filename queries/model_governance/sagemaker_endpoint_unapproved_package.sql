/*---
id: sagemaker_endpoint_unapproved_package
title: Every deployed SageMaker model comes from an approved registry package
severity: critical
kind: posture
frameworks:
  soc2: [CC8.1]
  iso27001: [A.8.32]
  eu_ai_act: [Art.17]
  iso42001: [A.6.2.5, A.6.2.4]
  nist_ai_rmf: [MANAGE 1.1]
requires: [sagemaker_deployments]
params: []
description: >
  Evaluates every production variant of every SageMaker endpoint as captured (endpoint, endpoint config, variant,
  model, model package). A variant passes only when its model was built from a Model Registry package whose
  approval status is Approved. It fails when the model was not built from a registry package (a bare image and
  model artefact: nobody's approval can be verified), when the package is not among the captured registry
  packages, or when the package is PendingManualApproval or Rejected. The approval status is the registry's
  current one, at capture time.
remediation: >
  Deploy only models created from an approved model package (CreateModel with Containers[].ModelPackageName), roll
  back or re-approve the variant through the review process, and enforce it in the deployment pipeline or with an
  IAM condition on sagemaker:CreateModel.
---*/
with variants as (
    select
        d.*,
        coalesce(d.endpoint_arn, format('{}/{}/endpoint/{}', d.account_id, d.region, d.endpoint_name)) as endpoint_ref,
        p.model_package_arn as registry_arn,
        p.model_approval_status,
        p.approval_description,
        p.model_package_group_name
    from sagemaker_deployments d
    left join sagemaker_model_packages_current p on p.model_package_arn = d.model_package_arn
)
select
    format('{} (variant {})', endpoint_ref, coalesce(variant_name, 'unnamed')) as resource,
    case when registry_arn is not null and model_approval_status = 'Approved' then 'pass' else 'fail' end as status,
    case
        when model_package_arn is null then format(
            'Endpoint {} variant {} serves model {}, which was not created from a Model Registry package, so its '
            || 'approval cannot be verified.', endpoint_name, coalesce(variant_name, 'unnamed'),
            coalesce(model_name, 'of unknown name'))
        when registry_arn is null then format(
            'Endpoint {} variant {} serves model package {}, which is not among the captured registry packages, so '
            || 'its approval cannot be verified.', endpoint_name, coalesce(variant_name, 'unnamed'), model_package_arn)
        when model_approval_status = 'Approved' then format(
            'Endpoint {} variant {} serves model package {}, which is Approved in the registry.',
            endpoint_name, coalesce(variant_name, 'unnamed'), model_package_arn)
        else format(
            'Endpoint {} variant {} serves model package {}, whose approval status is {}, not Approved.',
            endpoint_name, coalesce(variant_name, 'unnamed'), model_package_arn,
            coalesce(model_approval_status, 'not recorded'))
    end as reason,
    account_id,
    region,
    endpoint_name,
    endpoint_arn,
    endpoint_status,
    endpoint_config_name,
    variant_name,
    model_name,
    model_package_arn,
    model_approval_status,
    approval_description,
    endpoint_last_modified_time,
    captured_at,
    source_key
from variants
order by account_id, region, endpoint_name, variant_name
