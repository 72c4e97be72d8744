/*---
id: eks_audit_requests
description: >
  One row per Kubernetes API request of an EKS cluster (account, region, cluster and auditID): the audit event of
  its last stage (ResponseComplete, else Panic, else ResponseStarted, else RequestReceived), so a request logged at
  several stages, or captured twice, counts once. Its response_code is that stage's (null before a response).
  Adds allowed: the API server let the request through (a response code below 400: 2xx, or 101 for a stream such as
  exec), false when it refused it, null when no response was logged.
requires: [eks_audit_events]
---*/
select * exclude (request_rank) from (
    select *,
        case when response_code is null then null else response_code < 400 end as allowed,
        row_number() over (
            partition by account_id, region, cluster_name, audit_id
            order by case stage when 'ResponseComplete' then 0 when 'Panic' then 1 when 'ResponseStarted' then 2
                                else 3 end,
                     stage_time desc nulls last, source_key, record_index) as request_rank
    from eks_audit_events
)
where request_rank = 1
