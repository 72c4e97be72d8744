/*---
id: sagemaker_endpoint_without_data_capture
title: Production SageMaker endpoints capture their inference requests and responses
severity: high
kind: posture
frameworks:
  soc2: [CC7.2]
  iso27001: [A.8.15]
  hipaa: ["164.312(b)"]
  eu_ai_act: [Art.12, Art.19, Art.26]
  iso42001: [A.6.2.8]
  nist_ai_rmf: [MEASURE 2.4, MANAGE 4.1]
requires: [sagemaker_endpoints, sagemaker_endpoint_configs]
params: [production_accounts]
description: >
  Evaluates every captured SageMaker endpoint in an account of policy.production_accounts (every account when the
  list is empty) through the endpoint config it runs now. It passes when the config's DataCaptureConfig has
  EnableCapture true, a sampling percentage above zero and an S3 destination: the endpoint then records the inputs
  it receives and the outputs it returns, the automatic record of the AI system's use that the EU AI Act asks of
  high-risk systems and that drift monitoring and incident review depend on. A config without DataCaptureConfig,
  with capture disabled or sampling 0 % fails; so does an endpoint whose config was not captured (deleted, or missing
  from the snapshot), whose data capture cannot be verified. Capturing only inputs or only outputs passes and is
  shown in data_capture_modes.
remediation: >
  Create a new endpoint config with DataCaptureConfig (EnableCapture, InitialSamplingPercentage, DestinationS3Uri,
  CaptureOptions Input and Output) and update the endpoint to it through the deploy pipeline; make the pipeline's
  endpoint config template always set it.
---*/
with endpoints as (
    select *
    from sagemaker_endpoints
    where array_length($production_accounts::VARCHAR[]) = 0
       or account_id in (select unnest($production_accounts::VARCHAR[]))
    qualify row_number() over (partition by account_id, region, endpoint_name order by captured_at desc nulls last) = 1
),
configs as (
    select *
    from sagemaker_endpoint_configs
    qualify row_number() over (partition by account_id, region, endpoint_config_name
                               order by captured_at desc nulls last) = 1
)
select
    coalesce(e.endpoint_arn, format('{}/{}/endpoint/{}', e.account_id, e.region, e.endpoint_name)) as resource,
    case when c.data_capture_enabled and coalesce(c.data_capture_sampling_percentage, 0) > 0
              and coalesce(c.data_capture_destination, '') <> '' then 'pass' else 'fail' end as status,
    case
        when c.endpoint_config_name is null then format(
            'Endpoint {} in {}/{} runs endpoint config {}, which was not captured, so its data capture cannot be '
            || 'verified.', e.endpoint_name, e.account_id, e.region, coalesce(e.endpoint_config_name, '(none recorded)'))
        when c.data_capture_enabled is null then format(
            'Endpoint {} in {}/{} runs endpoint config {}, which has no data capture configured, so its inference '
            || 'requests and responses are not recorded.', e.endpoint_name, e.account_id, e.region,
            c.endpoint_config_name)
        when not c.data_capture_enabled then format(
            'Endpoint {} in {}/{} runs endpoint config {}, whose data capture is disabled, so its inference requests '
            || 'and responses are not recorded.', e.endpoint_name, e.account_id, e.region, c.endpoint_config_name)
        when coalesce(c.data_capture_sampling_percentage, 0) <= 0 then format(
            'Endpoint {} in {}/{} runs endpoint config {}, whose data capture samples {} % of requests, so none is '
            || 'recorded.', e.endpoint_name, e.account_id, e.region, c.endpoint_config_name,
            coalesce(c.data_capture_sampling_percentage, 0))
        when coalesce(c.data_capture_destination, '') = '' then format(
            'Endpoint {} in {}/{} runs endpoint config {}, whose data capture names no S3 destination.',
            e.endpoint_name, e.account_id, e.region, c.endpoint_config_name)
        else format(
            'Endpoint {} in {}/{} runs endpoint config {}, which captures {} of {} % of requests to {}.',
            e.endpoint_name, e.account_id, e.region, c.endpoint_config_name,
            coalesce(c.data_capture_modes, 'inputs and outputs'), c.data_capture_sampling_percentage,
            c.data_capture_destination)
    end as reason,
    e.account_id,
    e.region,
    e.endpoint_name,
    e.endpoint_arn,
    e.endpoint_status,
    e.endpoint_config_name,
    c.data_capture_enabled,
    c.data_capture_sampling_percentage,
    c.data_capture_modes,
    c.data_capture_destination,
    e.captured_at,
    coalesce(c.source_key, e.source_key) as source_key
from endpoints e
left join configs c
    on c.account_id = e.account_id and c.region = e.region and c.endpoint_config_name = e.endpoint_config_name
order by e.account_id, e.region, e.endpoint_name
