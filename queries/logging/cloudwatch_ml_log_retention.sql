/*---
id: cloudwatch_ml_log_retention
title: ML log groups keep their events for at least the required retention period
severity: high
kind: posture
frameworks:
  soc2: [CC7.2]
  iso27001: [A.8.15]
  hipaa: ["164.312(b)"]
  eu_ai_act: [Art.12, Art.19, Art.26]
  iso42001: [A.6.2.8]
  nist_ai_rmf: [MANAGE 4.1]
requires: [cloudwatch_log_groups]
params: [ml_log_group_prefixes, min_log_retention_days]
description: >
  Evaluates every CloudWatch Logs log group whose name starts with one of the ML prefixes in
  policy.ml_log_group_prefixes (SageMaker endpoint, training and processing logs, and the platform's own ML logs).
  A log group passes when its retention is set to at least policy.min_log_retention_days. A log group without a
  retention setting ("never expire") fails: its retention is undefined by policy, so neither the minimum nor the
  disposal of the records is controlled. These logs are the record of how the AI systems ran, which the EU AI Act
  requires to be kept (at least six months) and which audit-control requirements rely on. Prefix matching is
  case-sensitive, as log group names are.
remediation: >
  Set an explicit retention on the log group (aws logs put-retention-policy --log-group-name NAME
  --retention-in-days N, with N at least the required minimum), and make the infrastructure code that creates
  SageMaker resources set it, so that new log groups do not default to "never expire".
---*/
with ml_groups as (
    select g.*
    from cloudwatch_log_groups g
    where exists (
        select 1 from unnest($ml_log_group_prefixes::VARCHAR[]) p(prefix)
        where starts_with(g.log_group_name, p.prefix)
    )
)
select
    coalesce(log_group_arn, format('{}/{}/{}', account_id, region, log_group_name)) as resource,
    case when retention_in_days is not null and retention_in_days >= $min_log_retention_days
         then 'pass' else 'fail' end as status,
    case
        when retention_in_days is null then format(
            'Log group {} in {}/{} has no retention setting (events never expire), so its retention is undefined '
            || 'rather than set to at least the required {} days.',
            log_group_name, account_id, region, $min_log_retention_days)
        when retention_in_days < $min_log_retention_days then format(
            'Log group {} in {}/{} keeps events for {} days, below the required {}.',
            log_group_name, account_id, region, retention_in_days, $min_log_retention_days)
        else format(
            'Log group {} in {}/{} keeps events for {} days, meeting the required {}.',
            log_group_name, account_id, region, retention_in_days, $min_log_retention_days)
    end as reason,
    account_id,
    region,
    log_group_name,
    retention_in_days,
    $min_log_retention_days as required_retention_days,
    stored_bytes,
    captured_at,
    source_key
from ml_groups
order by account_id, region, log_group_name
