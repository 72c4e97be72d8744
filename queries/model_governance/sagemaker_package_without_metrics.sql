/*---
id: sagemaker_package_without_metrics
title: Model packages registered in the period, and approved ones, carry their evaluation metrics
severity: medium
kind: posture
frameworks:
  soc2: [CC8.1]
  iso27001: [A.8.32]
  eu_ai_act: [Art.15, Art.17]
  iso42001: [A.6.2.4]
  nist_ai_rmf: [MANAGE 1.1]
requires: [sagemaker_model_packages_current]
params: [period_start, period_end]
description: >
  Evaluates every SageMaker model package, as last captured, that was registered in the period (CreationTime) or
  whose approval status is Approved. It passes when its ModelMetrics hold a model quality evaluation: a
  ModelQuality Statistics or Constraints report with an S3 URI. A package without one fails: it was registered, or
  approved, with no recorded evidence of how well the model performs, so the approval could not rest on measured
  accuracy. Bias, explainability and data quality reports are shown but do not replace the model quality evaluation.
  Packages registered before the period and not approved (pending or rejected) are not evaluated.
remediation: >
  Register packages from the pipeline step that evaluates the model, with ModelMetrics.ModelQuality.Statistics
  pointing at the evaluation report; do not approve a package without one, and re-register approved packages that
  lack it.
---*/
with subjects as (
    select
        *,
        coalesce(json_extract_string(model_metrics, '$.ModelQuality.Statistics.S3Uri'),
                 json_extract_string(model_metrics, '$.ModelQuality.Constraints.S3Uri')) as quality_report,
        (select list(k order by k) from unnest(json_keys(model_metrics)) t(k)
         where json_extract(model_metrics, '$.' || k) is not null) as metric_kinds,
        creation_time >= $period_start and creation_time < $period_end as registered_in_period
    from sagemaker_model_packages_current
    where (creation_time >= $period_start and creation_time < $period_end)
       or model_approval_status = 'Approved'
)
select
    model_package_arn as resource,
    case when coalesce(quality_report, '') <> '' then 'pass' else 'fail' end as status,
    format('Model package {} in {}/{} ({}{}) {}.',
           model_package_arn, account_id, region,
           case when registered_in_period then format('registered {}', strftime(creation_time, '%Y-%m-%dT%H:%M:%SZ'))
                else format('registered {}', coalesce(strftime(creation_time, '%Y-%m-%d'), 'at an unknown time')) end,
           format(', {}', coalesce(model_approval_status, 'approval status not recorded')),
           case when coalesce(quality_report, '') <> '' then format('carries its model quality evaluation, {}', quality_report)
                when array_length(coalesce(metric_kinds, [])) > 0 then format(
                    'has no model quality evaluation in its ModelMetrics (only {})', array_to_string(metric_kinds, ', '))
                else 'has no evaluation metrics (ModelMetrics is empty)' end) as reason,
    account_id,
    region,
    model_package_arn,
    model_package_group_name,
    model_package_version,
    model_approval_status,
    creation_time,
    registered_in_period,
    quality_report,
    metric_kinds,
    captured_at,
    source_key
from subjects
order by account_id, region, model_package_arn
