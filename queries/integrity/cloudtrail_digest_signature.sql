/*---
id: cloudtrail_digest_signature
title: Every CloudTrail digest carries a signature that verifies with CloudTrail's public key
severity: critical
kind: detection
frameworks:
  soc2: [CC7.2, CC7.3]
  iso27001: [A.8.15, A.5.33]
  hipaa: ["164.312(b)"]
  eu_ai_act: [Art.12]
  iso42001: [A.6.2.8]
  nist_ai_rmf: [MEASURE 2.7]
  cis_aws: ["3.2"]
requires: [cloudtrail_digest_signatures, cloudtrail_digests]
params: [period_start, period_end]
description: >
  A digest is what proves the log files are the ones CloudTrail delivered, and only its signature proves the digest
  itself: CloudTrail signs each digest (RSA PKCS#1 v1.5, SHA-256) over its digestEndTime, its bucket and key, the
  SHA-256 of its uncompressed content and the previous digest's signature, and stores the signature as S3 object
  metadata. At load time every digest ending in the period is verified with the public key its
  digestPublicKeyFingerprint names, from cloudtrail ListPublicKeys (cloudtrail_digest_signatures). A digest whose
  signature does not verify fails as invalid: it, or its signature, is not what CloudTrail wrote, and the hashes it
  lists cannot be trusted. A digest whose signature cannot be verified fails too, as not verifiable, with the
  reason: no signature recorded (a copy of the bucket without S3 object metadata: no sidecar), no public key with its
  fingerprint captured, or another algorithm. Not verifiable is never a pass: the digest's integrity is unproven.
  Each row shows how many log files the digest lists (from cloudtrail_digests): those whose hashes it vouches for.
remediation: >
  For an invalid signature, treat the digest as tampered with: recover the digest CloudTrail wrote from a versioned
  copy and run aws cloudtrail validate-logs for the span. For a digest that is not verifiable, capture what is
  missing: read the trail bucket with the live s3 source (it records each digest's signature metadata), and let the
  trails source capture ListPublicKeys (cloudtrail:ListPublicKeys) in the trail's regions.
---*/
select
    source_key as resource,
    'fail' as status,
    case verification
        when 'invalid' then format(
            'Digest {} (trail {}, account {}, region {}, ending {}) has an invalid signature: {}.',
            source_key, trail_name, account_id, region, strftime(digest_end_time, '%Y-%m-%dT%H:%M:%SZ'), detail)
        else format(
            'Digest {} (trail {}, account {}, region {}, ending {}) cannot be verified, so its integrity is unproven: '
            || '{}.', source_key, trail_name, account_id, region, strftime(digest_end_time, '%Y-%m-%dT%H:%M:%SZ'),
            coalesce(detail, 'no verification result'))
    end as reason,
    verification,
    account_id,
    region,
    trail_name,
    digest_end_time,
    fingerprint,
    key_found,
    signature_algorithm,
    detail,
    -- what the digest vouches for: the log files whose hashes cannot be trusted while its signature is not valid
    (select max(d.log_file_count) from cloudtrail_digests d where d.source_key = s.source_key) as log_files_listed,
    source_key
from cloudtrail_digest_signatures s
where verification is distinct from 'valid'
  and digest_end_time >= $period_start and digest_end_time < $period_end
order by account_id, region, trail_name, digest_end_time
