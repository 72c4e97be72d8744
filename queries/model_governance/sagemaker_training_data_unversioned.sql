/*---
id: sagemaker_training_data_unversioned
title: In production accounts, SageMaker training reads its data only from versioned S3 buckets
severity: medium
kind: posture
frameworks:
  soc2: [A1.2]
  iso27001: [A.5.33, A.8.13]
  eu_ai_act: [Art.10]
  iso42001: [A.7.5]
  nist_ai_rmf: [MEASURE 2.8]
requires: [sagemaker_training_job_inputs, s3_bucket_settings]
params: [production_accounts]
description: >
  Evaluates every S3 bucket that an input channel of a captured training job reads (the jobs created around the
  period and the jobs behind registered packages), one row per job and bucket, for jobs in an account of
  policy.production_accounts (every account when the list is empty). A bucket passes when the s3 source captured it
  with versioning Enabled: the objects a model was trained on can then be recovered as they were, even after they are
  overwritten or deleted, so the model can be reproduced and its data examined. Versioning Suspended or never
  enabled fails. A training bucket that the s3 source did not capture fails too: its versioning cannot be verified
  (list the training buckets in sources.s3.buckets), and missing evidence is never a pass.
remediation: >
  Enable versioning on the bucket (aws s3api put-bucket-versioning --bucket BUCKET --versioning-configuration
  Status=Enabled), keep noncurrent versions at least as long as the models trained on them serve, and move training
  data out of scratch buckets into the governed dataset buckets.
---*/
with inputs as (
    select
        account_id, region, training_job_name, bucket,
        list(distinct s3_uri order by s3_uri) as s3_uris,
        list(distinct channel_name order by channel_name) as channels,
        max(captured_at) as job_captured_at,
        min(source_key) as job_source_key
    from sagemaker_training_job_inputs
    where bucket is not null
      and (array_length($production_accounts::VARCHAR[]) = 0
           or account_id in (select unnest($production_accounts::VARCHAR[])))
    group by all
),
settings as (
    select *
    from s3_bucket_settings
    qualify row_number() over (partition by bucket order by captured_at desc nulls last) = 1
)
select
    format('{} ({})', i.training_job_name, i.bucket) as resource,
    case when s.bucket is not null and s.versioning_status = 'Enabled' then 'pass' else 'fail' end as status,
    case
        when s.bucket is null then format(
            'Training job {} in {}/{} reads {} from bucket {}, which is not among the captured S3 bucket settings, so '
            || 'its versioning cannot be verified.', i.training_job_name, i.account_id, i.region,
            array_to_string(i.s3_uris, ', '), i.bucket)
        when s.versioning_status = 'Enabled' then format(
            'Training job {} in {}/{} reads {} from bucket {}, which has versioning enabled.', i.training_job_name,
            i.account_id, i.region, array_to_string(i.s3_uris, ', '), i.bucket)
        when s.versioning_status is null then format(
            'Training job {} in {}/{} reads {} from bucket {}, which has never had versioning enabled, so the data '
            || 'the model was trained on can be overwritten or deleted without a trace.', i.training_job_name,
            i.account_id, i.region, array_to_string(i.s3_uris, ', '), i.bucket)
        else format(
            'Training job {} in {}/{} reads {} from bucket {}, whose versioning is {} rather than Enabled, so the data '
            || 'the model was trained on can be overwritten or deleted without a trace.', i.training_job_name,
            i.account_id, i.region, array_to_string(i.s3_uris, ', '), i.bucket, s.versioning_status)
    end as reason,
    i.account_id,
    i.region,
    i.training_job_name,
    i.bucket,
    i.channels,
    i.s3_uris,
    s.versioning_status,
    s.account_id as bucket_account_id,
    s.captured_at as bucket_captured_at,
    i.job_source_key as source_key
from inputs i
left join settings s on s.bucket = i.bucket
order by i.account_id, i.region, i.training_job_name, i.bucket
