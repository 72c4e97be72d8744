/*---
id: trail_bucket_policy_grants
title: Trail bucket policies grant reading or deleting logs only to CloudTrail and the audit readers
severity: high
kind: posture
frameworks:
  soc2: [CC6.1, CC6.3]
  iso27001: [A.5.15, A.5.33, A.8.15]
  hipaa: ["164.312(a)(1)", "164.312(b)"]
  eu_ai_act: [Art.12]
  iso42001: [A.6.2.8]
requires: [trail_bucket_settings]
params: [audit_readers]
description: >
  Evaluates the bucket policy of every S3 bucket a captured trail delivers to. A finding is an Allow statement that
  grants, to a principal other than CloudTrail's service principal (cloudtrail.amazonaws.com) and the audit readers
  (policy.audit_readers, GLOB patterns matched against the principal ARN), any action that reads log files
  (s3:GetObject, s3:GetObjectVersion), overwrites them (s3:PutObject) or can remove them or weaken their protection
  (s3:DeleteObject, s3:DeleteObjectVersion, s3:BypassGovernanceRetention, s3:PutObjectRetention,
  s3:PutLifecycleConfiguration, s3:PutBucketPolicy, s3:DeleteBucketPolicy, s3:PutBucketVersioning,
  s3:PutBucketObjectLockConfiguration, s3:DeleteBucket). Actions are matched as IAM does, case-insensitively with
  * and ? wildcards (s3:*, s3:Get*, *); a NotAction statement grants every listed action it does not exclude.
  Object actions count when a Resource of the statement covers the bucket's objects, bucket actions when one covers
  the bucket itself (NotResource: both). Principal "*" and {"AWS": "*"} are anyone; an account id or :root ARN
  delegates to every identity of that account, and is a finding unless an audit-reader pattern matches it; a
  NotPrincipal statement grants everyone but the principals named. Conditions narrow a grant but do not remove it
  (the reason shows them), and Deny statements are not taken as cancelling an Allow, since whether they apply depends
  on conditions a static reading cannot settle. One row per statement and principal found; a bucket with none, or
  without a policy (NoSuchBucketPolicy: only identities of the owning account, through IAM, can reach it), passes;
  a bucket whose settings or policy were not captured fails as not verifiable.
remediation: >
  Remove the statement or narrow its principals and actions; grant log readers read-only access through a dedicated
  audit role, add that role to policy.audit_readers, and keep delete and policy changes to a break-glass role
  outside the bucket policy.
---*/
with sensitive(action, level) as (
    values ('s3:GetObject', 'object'), ('s3:GetObjectVersion', 'object'), ('s3:PutObject', 'object'),
           ('s3:DeleteObject', 'object'), ('s3:DeleteObjectVersion', 'object'),
           ('s3:BypassGovernanceRetention', 'object'), ('s3:PutObjectRetention', 'object'),
           ('s3:PutLifecycleConfiguration', 'bucket'), ('s3:PutBucketPolicy', 'bucket'),
           ('s3:DeleteBucketPolicy', 'bucket'), ('s3:PutBucketVersioning', 'bucket'),
           ('s3:PutBucketObjectLockConfiguration', 'bucket'), ('s3:DeleteBucket', 'bucket')
),
statements as (
    select b.bucket, b.trails, b.bucket_account_id, b.captured_at, b.source_key, st.*
    from trail_bucket_settings b,
         unnest(from_json(b.bucket_policy, '[{"statement_index": "INTEGER", "sid": "VARCHAR", "effect": "VARCHAR",
             "principal_kind": "VARCHAR", "principal": "VARCHAR", "not_principal": "BOOLEAN",
             "actions": ["VARCHAR"], "not_action": "BOOLEAN", "resources": ["VARCHAR"], "not_resource": "BOOLEAN",
             "conditions": "JSON"}]')) as u(st)
    where st.effect = 'Allow'
),
beyond as (
    select *
    from statements
    where not_principal
       or not (
           (principal_kind = 'Service' and principal = 'cloudtrail.amazonaws.com')
           or (principal_kind = 'AWS' and exists (
               select 1 from unnest($audit_readers::VARCHAR[]) r(pattern) where principal glob r.pattern)))
),
granted as (
    select
        s.bucket, s.trails, s.bucket_account_id, s.captured_at, s.source_key, s.statement_index, s.sid,
        s.principal_kind, s.principal, s.not_principal, s.conditions,
        list(a.action order by a.action) as sensitive_actions
    from beyond s
    join sensitive a
      on (s.not_resource or coalesce(array_length(list_filter(s.resources,
              lambda res: (case when a.level = 'object' then 'arn:aws:s3:::' || s.bucket || '/AWSLogs/x'
                                else 'arn:aws:s3:::' || s.bucket end) glob res)), 0) > 0)
     and ((coalesce(array_length(list_filter(s.actions, lambda pat: lower(a.action) glob lower(pat))), 0) > 0)
          != s.not_action)
    group by all
)
select
    format('{} statement {} to {}', g.bucket, coalesce(g.sid, '#' || g.statement_index::VARCHAR),
           case when g.not_principal then 'everyone but ' || g.principal else g.principal end) as resource,
    'fail' as status,
    format('The policy of trail bucket {} allows {} ({}) {}{}, beyond CloudTrail and the audit readers.',
           g.bucket,
           case when g.not_principal then 'everyone but ' || g.principal
                when g.principal = '*' then 'anyone (*)'
                when g.principal like 'arn:aws:iam::%:root' then 'every identity of account '
                     || split_part(g.principal, ':', 5)
                else g.principal end,
           g.principal_kind,
           array_to_string(g.sensitive_actions, ', '),
           case when g.conditions is not null then ' under the conditions ' || g.conditions::VARCHAR else '' end)
        as reason,
    g.bucket_account_id as account_id,
    g.bucket,
    g.trails,
    g.statement_index,
    g.sid,
    g.principal_kind,
    g.principal,
    g.not_principal,
    g.sensitive_actions,
    g.conditions,
    g.captured_at,
    g.source_key
from granted g
union all by name
select
    b.bucket as resource,
    case when b.bucket_policy_found is not null then 'pass' else 'fail' end as status,
    case
        when not b.settings_captured then format(
            'Trail bucket {} (used by {}) is not among the captured S3 bucket settings, so who may read or delete '
            || 'its log files cannot be verified.', b.bucket, array_to_string(b.trails, ', '))
        when b.bucket_policy_found is null then format(
            'The policy of trail bucket {} (used by {}) was not captured, so who may read or delete its log files '
            || 'cannot be verified.', b.bucket, array_to_string(b.trails, ', '))
        when not b.bucket_policy_found then format(
            'Trail bucket {} has no bucket policy: no principal outside account {} is granted its log files.',
            b.bucket, b.bucket_account_id)
        else format(
            'The policy of trail bucket {} grants reading or deleting log files to no one but CloudTrail and the '
            || 'audit readers.', b.bucket)
    end as reason,
    b.bucket_account_id as account_id,
    b.bucket,
    b.trails,
    b.captured_at,
    b.source_key
from trail_bucket_settings b
where not exists (select 1 from granted g where g.bucket = b.bucket)
order by bucket, resource
