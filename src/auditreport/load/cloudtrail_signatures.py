"""Verifying CloudTrail digest signatures: ``cloudtrail_digests`` rows + ``cloudtrail_public_keys`` rows ->
``cloudtrail_digest_signatures`` rows (one per digest: valid, invalid or not_verifiable, with the reason).

CloudTrail signs each digest with RSA PKCS#1 v1.5 over SHA-256 ("SHA256withRSA") of the string

    digestEndTime (as written) \\n digestS3Bucket/digestS3Object \\n hex SHA-256 of the uncompressed digest \\n
    previousDigestSignature (the text ``null`` for the first digest of a chain)

with the private key of the public key whose fingerprint the digest names (digestPublicKeyFingerprint; the key's
fingerprint is the hex MD5 of its DER encoding), and stores the hex signature as the digest object's S3 metadata
(``x-amz-meta-signature``). ``invalid`` means the signature was checked and does not match: the digest, or its
signature, is not what CloudTrail wrote. ``not_verifiable`` means it could not be checked at all (no signature
recorded, no public key with that fingerprint, an algorithm other than SHA256withRSA): never a pass.
"""

from __future__ import annotations

import base64
import binascii
import hashlib

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

ALGORITHM = "SHA256withRSA"


def string_to_sign(d: dict) -> bytes:
    """What CloudTrail signs, from a ``cloudtrail_digests`` row (as ``aws cloudtrail validate-logs`` builds it)."""
    previous = d.get("previous_digest_signature")
    return (f"{d.get('digest_end_time_raw')}\n{d.get('digest_s3_bucket')}/{d.get('digest_s3_object')}\n"
            f"{d.get('digest_sha256')}\n{'null' if previous is None else previous}").encode()


def key_fingerprint(der: bytes) -> str:
    return hashlib.md5(der).hexdigest()


def decode_key(value_base64: str | None) -> bytes | None:
    try:
        return base64.b64decode(value_base64 or "", validate=True) or None
    except (binascii.Error, ValueError):
        return None


def verify_digests(digests: list[dict], keys: list[dict], run_id: str) -> list[dict]:
    """One ``cloudtrail_digest_signatures`` row per digest row."""
    by_fingerprint: dict[str, list[dict]] = {}
    for k in keys:
        if k.get("fingerprint"):
            by_fingerprint.setdefault(k["fingerprint"].lower(), []).append(k)
    return [_verify(d, by_fingerprint, run_id) for d in digests]


def _verify(d: dict, by_fingerprint: dict[str, list[dict]], run_id: str) -> dict:
    fingerprint = d.get("digest_public_key_fingerprint")
    candidates = by_fingerprint.get((fingerprint or "").lower(), [])
    key = next((k for k in candidates if k.get("fingerprint_matches_key")), candidates[0] if candidates else None)
    algorithm = d.get("signature_algorithm") or d.get("digest_signature_algorithm")
    status, detail = _status(d, fingerprint, key, algorithm)
    end = d.get("digest_end_time")
    return {
        "account_id": d.get("account_id"), "region": d.get("region"), "trail_name": d.get("trail_name"),
        "digest_end_time": end, "digest_s3_bucket": d.get("digest_s3_bucket"),
        "digest_s3_object": d.get("digest_s3_object"), "fingerprint": fingerprint,
        "key_found": key is not None, "key_region": key.get("region") if key else None,
        "key_validity_start": key.get("validity_start_time") if key else None,
        "key_validity_end": key.get("validity_end_time") if key else None,
        "signature_algorithm": algorithm, "verification": status, "detail": detail,
        "source_key": d.get("source_key"), "record_index": 0, "ingest_run_id": run_id,
        "year": end.year if end else None, "month": end.month if end else None,
    }  # fmt: skip


def _status(d: dict, fingerprint, key, algorithm) -> tuple[str, str]:
    if not d.get("signature"):
        return "not_verifiable", d.get("signature_missing") or "no signature recorded for the digest"
    if algorithm != ALGORITHM:
        return "not_verifiable", f"signature algorithm {algorithm!r} is not {ALGORITHM}, the only one CloudTrail uses"
    if not fingerprint:
        return "not_verifiable", "the digest names no public key (digestPublicKeyFingerprint is empty)"
    if key is None:
        return "not_verifiable", (f"no public key with fingerprint {fingerprint} was captured (cloudtrail "
                                  f"ListPublicKeys of the period)")
    der = decode_key(key.get("value_base64"))
    try:
        public = serialization.load_der_public_key(der) if der else None
    except (ValueError, UnsupportedAlgorithm):
        public = None
    if not isinstance(public, rsa.RSAPublicKey):
        return "not_verifiable", f"public key {fingerprint} is not a DER RSA public key"
    try:
        signature = bytes.fromhex(d["signature"])
    except ValueError:
        return "invalid", "the recorded signature is not hexadecimal"
    try:
        public.verify(signature, string_to_sign(d), padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return "invalid", (f"the signature does not verify with public key {fingerprint}: the digest, or its "
                           f"signature, is not what CloudTrail wrote")
    return "valid", f"signature verifies with public key {fingerprint} ({ALGORITHM})"
