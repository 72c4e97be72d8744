/*---
id: eks_serving_change_outside_deploy_identities
title: On EKS, model-serving workloads are created, changed and deleted only by the deploy identities
severity: high
kind: detection
frameworks:
  soc2: [CC8.1, CC6.3]
  iso27001: [A.8.32, A.5.18]
  eu_ai_act: [Art.17, Art.26]
  iso42001: [A.6.2.5]
  nist_ai_rmf: [GOVERN 1.4, MANAGE 2.4]
requires: [eks_audit_requests]
params: [period_start, period_end, serving_namespaces, eks_deploy_identities]
description: >
  Lists every Kubernetes API request in the period, on any EKS cluster whose audit events were captured, that
  created, updated, patched or deleted (verbs create, update, patch, delete, deletecollection) a KServe
  InferenceService (serving.kserve.io), a Deployment (apps) or a Service (core), or scaled a Deployment, in a
  namespace of policy.serving_namespaces (every namespace when the list is empty), that the API server allowed, and
  whose identity matches none of the GLOB patterns in policy.eks_deploy_identities: neither its Kubernetes username
  nor the IAM ARN EKS authenticated (user.extra.arn). That is a model's serving changed by hand, outside the deploy
  pipeline's review and record. Refused requests changed nothing, and dry runs (dryRun in the request URI) change
  nothing either: neither is listed. Status updates (the status subresource) are the controllers' bookkeeping and
  are not changes of what serves. Each request counts once, at its final stage (eks_audit_requests). The identities
  that act for the pipeline inside the cluster, such as the KServe controller that creates an InferenceService's
  Deployment, belong in policy.eks_deploy_identities; with none configured, every change is reported.
remediation: >
  Find out who changed the workload and what it serves now (kubectl get -o yaml, its revision history). If the
  change was not reviewed, redeploy through the pipeline. Grant create, update, patch and delete on these resources
  in the serving namespaces only to the deploy identities (Kubernetes RBAC, EKS access entries); keep
  policy.eks_deploy_identities in step.
---*/
with changes as (
    select *
    from eks_audit_requests
    where event_time >= $period_start and event_time < $period_end
      and verb in ('create', 'update', 'patch', 'delete', 'deletecollection')
      and allowed
      and ((resource = 'inferenceservices' and api_group = 'serving.kserve.io')
           or (resource = 'deployments' and api_group = 'apps')
           or (resource = 'services' and coalesce(api_group, '') = ''))
      and (subresource is null or (resource = 'deployments' and subresource = 'scale'))
      and coalesce(request_uri, '') not like '%dryRun=%'
      and (array_length($serving_namespaces::VARCHAR[]) = 0 or namespace in (select unnest($serving_namespaces::VARCHAR[])))
)
select
    format('{}/{}/{}/{}', cluster_name, coalesce(namespace, '-'), resource, coalesce(object_name, '(collection)')) as resource,
    'fail' as status,
    format('{}{} {} {} {}{} in namespace {} of EKS cluster {} ({}/{}) at {}, and matches none of the deploy identities ({}).',
           coalesce(username, 'an unidentified user'),
           case when user_arn is not null and user_arn <> coalesce(username, '') then format(' (IAM {})', user_arn) else '' end,
           case verb when 'create' then 'created' when 'update' then 'updated' when 'patch' then 'patched'
                     when 'delete' then 'deleted' else 'deleted every' end,
           case resource when 'inferenceservices' then 'InferenceService' when 'deployments' then 'Deployment'
                         else 'Service' end,
           coalesce(object_name, '(collection)'),
           case when subresource is not null then format(' ({})', subresource) else '' end,
           coalesce(namespace, '(none)'), cluster_name, account_id, region, strftime(event_time, '%Y-%m-%dT%H:%M:%SZ'),
           case when array_length($eks_deploy_identities::VARCHAR[]) = 0 then 'none are configured in policy.eks_deploy_identities'
                else array_to_string($eks_deploy_identities::VARCHAR[], ', ') end) as reason,
    cluster_name,
    namespace,
    resource as kubernetes_resource,
    subresource,
    object_name,
    verb,
    username,
    user_arn,
    user_groups,
    source_ips,
    user_agent,
    response_code,
    account_id,
    region,
    event_time,
    audit_id,
    log_group_name,
    log_stream_name,
    log_event_id,
    source_key,
    record_index
from changes
where not exists (
    select 1 from unnest($eks_deploy_identities::VARCHAR[]) t(p)
    where username glob t.p or user_arn glob t.p
)
order by event_time, audit_id
