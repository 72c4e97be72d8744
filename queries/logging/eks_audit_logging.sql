/*---
id: eks_audit_logging
title: EKS clusters send control-plane audit logs to CloudWatch Logs and keep them for the required retention
severity: high
kind: posture
frameworks:
  soc2: [CC7.2]
  iso27001: [A.8.15]
  hipaa: ["164.312(b)"]
  eu_ai_act: [Art.12, Art.19]
  iso42001: [A.6.2.8]
  nist_ai_rmf: [MANAGE 4.1]
requires: [eks_clusters, cloudwatch_log_groups]
params: [eks_clusters, min_log_retention_days]
description: >
  Evaluates every captured EKS cluster (only those named in policy.eks_clusters when it is set). The Kubernetes API
  audit log is the only record of who changed or entered the workloads that serve models on the cluster. A cluster
  passes when its control-plane logging enables the "audit" log type and its log group /aws/eks/<cluster>/cluster,
  in the same account and region, keeps events for at least policy.min_log_retention_days. It fails when audit
  logging is off or its setting was not returned, when that log group was not captured (its retention is then
  unproven), or when the group has no retention setting (events never expire: retention undefined by policy, as
  for the ML log groups) or a shorter one. A cluster named in policy.eks_clusters that was captured in no account
  and region fails too: missing evidence is not a pass.
remediation: >
  Enable the audit log type (aws eks update-cluster-config --name NAME --logging
  '{"clusterLogging":[{"types":["audit"],"enabled":true}]}') and set the retention of /aws/eks/NAME/cluster to at
  least the required minimum (aws logs put-retention-policy); make the infrastructure code that creates clusters do
  both. Keep policy.eks_clusters in step with the clusters that serve models.
---*/
with scoped as (
    select c.*
    from eks_clusters c
    where array_length($eks_clusters::VARCHAR[]) = 0 or c.cluster_name in (select unnest($eks_clusters::VARCHAR[]))
),
judged as (
    select c.*, g.log_group_name, g.retention_in_days, g.log_group_name is not null as group_captured,
        format('/aws/eks/{}/cluster', c.cluster_name) as audit_log_group
    from scoped c
    left join cloudwatch_log_groups g
        on g.account_id = c.account_id and g.region = c.region
        and g.log_group_name = format('/aws/eks/{}/cluster', c.cluster_name)
)
select
    coalesce(cluster_arn, format('{}/{}/{}', account_id, region, cluster_name)) as resource,
    case when audit_logging_enabled is true and retention_in_days >= $min_log_retention_days
         then 'pass' else 'fail' end as status,
    case
        when audit_logging_enabled is null then format(
            'EKS cluster {} in {}/{} was captured without a logging setting, so audit logging is unproven.',
            cluster_name, account_id, region)
        when not audit_logging_enabled then format(
            'EKS cluster {} in {}/{} does not send control-plane audit logs (enabled log types: {}).',
            cluster_name, account_id, region,
            case when json_array_length(enabled_log_types) = 0 then 'none'
                 else array_to_string(from_json(enabled_log_types, '["VARCHAR"]'), ', ') end)
        when not group_captured then format(
            'EKS cluster {} in {}/{} sends audit logs, but its log group {} was not among the captured log groups, '
            || 'so its retention is unproven.', cluster_name, account_id, region, audit_log_group)
        when retention_in_days is null then format(
            'EKS cluster {} in {}/{} sends audit logs to {}, which has no retention setting (events never expire), '
            || 'so its retention is undefined rather than set to at least the required {} days.',
            cluster_name, account_id, region, audit_log_group, $min_log_retention_days)
        when retention_in_days < $min_log_retention_days then format(
            'EKS cluster {} in {}/{} sends audit logs to {}, which keeps them for {} days, below the required {}.',
            cluster_name, account_id, region, audit_log_group, retention_in_days, $min_log_retention_days)
        else format(
            'EKS cluster {} in {}/{} sends audit logs to {}, which keeps them for {} days, meeting the required {}.',
            cluster_name, account_id, region, audit_log_group, retention_in_days, $min_log_retention_days)
    end as reason,
    account_id,
    region,
    cluster_name,
    audit_logging_enabled,
    enabled_log_types,
    audit_log_group,
    retention_in_days,
    $min_log_retention_days as required_retention_days,
    version,
    captured_at,
    source_key
from judged
union all
select
    format('EKS cluster {}', name) as resource,
    'fail' as status,
    format('EKS cluster {} is named in policy.eks_clusters but was captured in no account and region, so its '
           || 'audit logging is unproven.', name) as reason,
    null, null, name, null, null, format('/aws/eks/{}/cluster', name), null, $min_log_retention_days, null, null, null
from (select unnest($eks_clusters::VARCHAR[]) as name)
where name not in (select cluster_name from eks_clusters)
order by account_id nulls last, region, cluster_name
