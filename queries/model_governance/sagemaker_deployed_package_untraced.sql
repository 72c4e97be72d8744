/*---
id: sagemaker_deployed_package_untraced
title: Every model package deployed to an endpoint traces back to its training job, data and image
severity: high
kind: posture
frameworks:
  soc2: [CC8.1]
  iso27001: [A.8.32]
  eu_ai_act: [Art.10, Art.17]
  iso42001: [A.7.5, A.6.2.7]
  nist_ai_rmf: [MEASURE 2.8]
requires: [sagemaker_deployments, sagemaker_model_packages_current, sagemaker_training_jobs]
params: []
description: >
  Evaluates every Model Registry package that a production variant of a captured endpoint serves (endpoint ->
  config -> variant -> model -> package, at capture time). A package is traced when a captured training job of the
  same account and region produced it: the job's ModelArtifacts.S3ModelArtifacts equals the package's
  ModelDataUrl (the job wrote the very artefact that is served), or the package's MetadataProperties.GeneratedBy is
  the job's ARN. The traced job must also name its training data (at least one input channel with an S3 URI) and
  its training image (AlgorithmSpecification.TrainingImage, or an AlgorithmName). A package whose artefact was
  uploaded by hand or copied elsewhere, that names a job that no longer exists or was not captured, or whose job
  records no S3 data or image, fails: which data and code produced the model serving traffic cannot be shown. A
  deployed package missing from the captured registry fails too (cannot be verified). Models not built from a
  package are sagemaker_endpoint_unapproved_package's subject, not this check's; packages deployed earlier in the
  period but no longer deployed are not seen (the snapshot shows what is deployed now).
remediation: >
  Register packages from the training pipeline so that ModelDataUrl is the job's own output (or set
  MetadataProperties.GeneratedBy to the training job ARN), keep training jobs' input channels on S3, and retrain and
  re-register a model whose origin cannot be shown before it keeps serving.
---*/
with deployed as (
    select
        d.account_id, d.region, d.model_package_arn,
        list(distinct d.endpoint_name order by d.endpoint_name) as endpoints,
        max(d.captured_at) as captured_at
    from sagemaker_deployments d
    where d.model_package_arn is not null
    group by all
),
s3_inputs as (
    select account_id, region, training_job_name, list(distinct s3_uri order by s3_uri) as s3_uris
    from sagemaker_training_job_inputs
    where s3_uri is not null
    group by all
),
linked as (
    select
        d.*,
        p.model_package_arn as registry_arn,
        p.model_data_url,
        p.generated_by,
        j.training_job_name,
        j.training_job_arn,
        coalesce(j.training_image, j.algorithm_name) as training_image,
        i.s3_uris as training_data,
        j.source_key as training_job_source_key
    from deployed d
    left join sagemaker_model_packages_current p on p.model_package_arn = d.model_package_arn
    left join sagemaker_training_jobs j
        on j.account_id = d.account_id and j.region = d.region
       and ((p.model_data_url is not null and j.model_artifacts = p.model_data_url)
            or (p.generated_by is not null and j.training_job_arn = p.generated_by))
    left join s3_inputs i
        on i.account_id = j.account_id and i.region = j.region and i.training_job_name = j.training_job_name
    qualify row_number() over (
        partition by d.account_id, d.region, d.model_package_arn
        order by (i.s3_uris is not null and coalesce(j.training_image, j.algorithm_name) is not null) desc,
                 j.training_job_name nulls last) = 1
)
select
    model_package_arn as resource,
    case when training_job_name is not null and training_data is not null and training_image is not null
         then 'pass' else 'fail' end as status,
    case
        when registry_arn is null then format(
            'Model package {} is deployed to {} in {}/{} but is not among the captured registry packages, so its '
            || 'training cannot be traced.', model_package_arn, array_to_string(endpoints, ', '), account_id, region)
        when training_job_name is null then format(
            'Model package {} (deployed to {} in {}/{}) cannot be traced to a training job: no captured job wrote its '
            || 'model data {} and its GeneratedBy ({}) names none.', model_package_arn, array_to_string(endpoints, ', '),
            account_id, region, coalesce(model_data_url, '(none)'), coalesce(generated_by, 'not set'))
        when training_data is null and training_image is null then format(
            'Model package {} (deployed to {} in {}/{}) was trained by {}, which records neither S3 training data nor '
            || 'a training image.', model_package_arn, array_to_string(endpoints, ', '), account_id, region,
            training_job_name)
        when training_data is null then format(
            'Model package {} (deployed to {} in {}/{}) was trained by {}, which records no S3 training data, so the '
            || 'data behind the model cannot be traced.', model_package_arn, array_to_string(endpoints, ', '),
            account_id, region, training_job_name)
        when training_image is null then format(
            'Model package {} (deployed to {} in {}/{}) was trained by {}, which records no training image or '
            || 'algorithm, so the code behind the model cannot be traced.', model_package_arn,
            array_to_string(endpoints, ', '), account_id, region, training_job_name)
        else format(
            'Model package {} (deployed to {} in {}/{}) was trained by {} with image {} on {}.', model_package_arn,
            array_to_string(endpoints, ', '), account_id, region, training_job_name, training_image,
            array_to_string(training_data, ', '))
    end as reason,
    account_id,
    region,
    model_package_arn,
    endpoints,
    model_data_url,
    generated_by,
    training_job_name,
    training_job_arn,
    training_image,
    training_data,
    captured_at,
    training_job_source_key as source_key
from linked
order by account_id, region, model_package_arn
