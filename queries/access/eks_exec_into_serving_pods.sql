/*---
id: eks_exec_into_serving_pods
title: Nobody execs or attaches into the pods that serve models on EKS
severity: high
kind: detection
frameworks:
  soc2: [CC6.1, CC7.2]
  iso27001: [A.8.2, A.8.16]
  hipaa: ["164.312(a)(1)"]
  eu_ai_act: [Art.15]
  iso42001: [A.6.2.6]
  nist_ai_rmf: [MEASURE 2.7]
requires: [eks_audit_requests]
params: [period_start, period_end, serving_namespaces]
description: >
  Lists every request in the period, on any EKS cluster whose audit events were captured, to the exec or attach
  subresource of a pod (pods/exec, pods/attach, verb create or, for a WebSocket stream, get) in a namespace of
  policy.serving_namespaces (every namespace when the list is empty) that the API server allowed (101 Switching
  Protocols or 2xx). A shell in a serving pod can read the model, its inputs and its credentials and change what
  it answers, outside every deployment control; whoever does it, the pipeline included, it is a finding to explain.
  Refused requests changed nothing and are left to the access monitoring. Each request counts once
  (eks_audit_requests).
remediation: >
  Find out who entered the pod and why (the audit event's user, source IPs and user agent); if the pod may have been
  changed, redeploy it. Remove pods/exec and pods/attach from every role bound in the serving namespaces, keeping a
  break-glass role whose use is reviewed.
---*/
select
    format('{}/{}/pods/{}', cluster_name, coalesce(namespace, '-'), coalesce(object_name, '(unnamed)')) as resource,
    'fail' as status,
    format('{}{} opened {} into pod {} in namespace {} of EKS cluster {} ({}/{}) at {} from {} (response {}).',
           coalesce(username, 'an unidentified user'),
           case when user_arn is not null and user_arn <> coalesce(username, '') then format(' (IAM {})', user_arn) else '' end,
           case subresource when 'exec' then 'an exec session' else 'an attach session' end,
           coalesce(object_name, '(unnamed)'), coalesce(namespace, '(none)'), cluster_name, account_id, region,
           strftime(event_time, '%Y-%m-%dT%H:%M:%SZ'),
           coalesce(array_to_string(from_json(source_ips, '["VARCHAR"]'), ', '), 'an unrecorded address'), response_code) as reason,
    cluster_name,
    namespace,
    object_name as pod_name,
    subresource,
    verb,
    request_uri,
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
from eks_audit_requests
where event_time >= $period_start and event_time < $period_end
  and resource = 'pods' and coalesce(api_group, '') = '' and subresource in ('exec', 'attach')
  and verb in ('create', 'get')
  and allowed
  and (array_length($serving_namespaces::VARCHAR[]) = 0 or namespace in (select unnest($serving_namespaces::VARCHAR[])))
order by event_time, audit_id
