"""load/cloudtrail_signatures.py through the real loaders: digests in CloudTrail's format, signed by a key this test
makes, with their signature sidecars, loaded by the cloudtrail source; the key as a ListPublicKeys file of the trails
source, whose loader verifies each digest of the period into cloudtrail_digest_signatures.

The live path fetches the public keys from the API (``TrailsExtractor``); moto does not implement ListPublicKeys
(tests/extract/test_trails.py shows what the extractor does then), so the keys come from files here."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from auditreport.extract.base import ExtractContext
from auditreport.extract.cloudtrail_files import CloudTrailFilesExtractor
from auditreport.load.cloudtrail_signatures import string_to_sign
from auditreport.load.cloudtrail_source import DIGEST_SOURCE, CloudTrailSourceLoader
from auditreport.load.trails import TrailsLoader
from auditreport.raw import DIGEST_SIGNATURE_SUFFIX
from auditreport.source_settings import FilesSettings

from .support import PERIOD, capture, load, put, rows

ACCT, REGION, BUCKET, TRAIL = "111122223333", "eu-west-1", "trail-logs", "audit"


@pytest.fixture(scope="module")
def key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _der(key) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)


def _sign(key, doc: dict, raw: bytes) -> str:
    message = string_to_sign({
        "digest_end_time_raw": doc["digestEndTime"], "digest_s3_bucket": doc["digestS3Bucket"],
        "digest_s3_object": doc["digestS3Object"], "digest_sha256": hashlib.sha256(raw).hexdigest(),
        "previous_digest_signature": doc["previousDigestSignature"]})
    return key.sign(message, padding.PKCS1v15(), hashes.SHA256()).hex()


def _chain(root, key, hours: list[int], fingerprint: str) -> list[dict]:
    """Hourly digests of 2026-10-15 as CloudTrail writes them, each signed and chained; sidecars beside them."""
    out, prev = [], None
    for h in hours:
        name = f"{ACCT}_CloudTrail-Digest_{REGION}_{TRAIL}_{REGION}_20261015T{h:02d}0000Z.json.gz"
        key_path = f"AWSLogs/{ACCT}/CloudTrail-Digest/{REGION}/2026/10/15/{name}"
        doc = {"awsAccountId": ACCT, "digestStartTime": f"2026-10-15T{h - 1:02d}:00:00Z",
               "digestEndTime": f"2026-10-15T{h:02d}:00:00Z", "digestS3Bucket": BUCKET, "digestS3Object": key_path,
               "digestPublicKeyFingerprint": fingerprint, "digestSignatureAlgorithm": "SHA256withRSA",
               "newestEventTime": None, "oldestEventTime": None,
               "previousDigestS3Bucket": BUCKET if prev else None,
               "previousDigestS3Object": prev["key"] if prev else None,
               "previousDigestHashValue": prev["sha256"] if prev else None,
               "previousDigestHashAlgorithm": "SHA-256" if prev else None,
               "previousDigestSignature": prev["signature"] if prev else None, "logFiles": []}
        raw = json.dumps(doc).encode()
        path = root / key_path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(gzip.compress(raw))
        prev = {"key": key_path, "path": path, "sha256": hashlib.sha256(raw).hexdigest(), "doc": doc,
                "signature": _sign(key, doc, raw)}
        _sidecar(path, prev["signature"])
        out.append(prev)
    return out


def _sidecar(path, signature, algorithm="SHA256withRSA"):
    (path.parent / (path.name + DIGEST_SIGNATURE_SUFFIX)).write_text(json.dumps(
        {"format_version": 1, "signature": signature, "signature_algorithm": algorithm, "read_from": "GetObject",
         "etag": "x"}))


def _keys(root, key, fingerprint=None):
    capture(root)
    der = _der(key)
    put(root, ACCT, REGION, "cloudtrail", "ListPublicKeys", {"PublicKeyList": [{
        "Value": base64.b64encode(der).decode(), "Fingerprint": fingerprint or hashlib.md5(der).hexdigest(),
        "ValidityStartTime": "2026-09-01T00:00:00+00:00", "ValidityEndTime": "2026-12-01T00:00:00+00:00"}]})


def _load_both(tmp_path, con, lake_root):
    trail = tmp_path / "trail"
    ctx = ExtractContext(period=PERIOD, raw_dir=tmp_path / "raw", run_id="run-1")
    raw = CloudTrailFilesExtractor("cloudtrail", FilesSettings(kind="files", path=trail)).extract(ctx)
    ct = load(CloudTrailSourceLoader(), trail, con, lake_root, objects=raw.objects)
    load(TrailsLoader(), tmp_path / "aws", con, lake_root)
    return ct


def _verified(con) -> dict[int, dict]:
    """cloudtrail_digest_signatures rows by the hour their digest ends."""
    return {r["digest_end_time"].hour: r for r in rows(con, "SELECT * FROM cloudtrail_digest_signatures")}


def test_real_format_digests_signed_by_the_key_verify_and_an_altered_one_does_not(tmp_path, con, lake_root, key):
    fp = hashlib.md5(_der(key)).hexdigest()
    chain = _chain(tmp_path / "trail", key, [1, 2, 3, 4], fp)
    # 02: rewritten after signing (a log file's entry would be edited away): same sidecar, other content
    edited = dict(chain[1]["doc"], newestEventTime="2026-10-15T01:59:00Z")
    chain[1]["path"].write_bytes(gzip.compress(json.dumps(edited).encode()))
    # 03: its sidecar holds the signature of another digest
    _sidecar(chain[2]["path"], chain[0]["signature"])
    _keys(tmp_path / "aws", key)
    result = _load_both(tmp_path, con, lake_root)
    by_hour = _verified(con)
    assert {h: r["verification"] for h, r in by_hour.items()} == {1: "valid", 2: "invalid", 3: "invalid", 4: "valid"}
    assert by_hour[1]["detail"] == f"signature verifies with public key {fp} (SHA256withRSA)"
    assert "does not verify" in by_hour[2]["detail"] and by_hour[2]["key_found"] is True
    assert by_hour[4]["key_region"] == REGION and by_hour[4]["fingerprint"] == fp
    # every digest and every sidecar is an input, loaded
    digest_inputs = {i.key: i.status for i in result.inputs if i.source == DIGEST_SOURCE}
    assert len(digest_inputs) == 8 and set(digest_inputs.values()) == {"loaded"}
    # the chain fields are in cloudtrail_digests for the chain check: 02's successor still holds 02's original hash
    d = {r["digest_end_time"].hour: r for r in rows(con, "SELECT * FROM cloudtrail_digests")}
    assert d[3]["previous_digest_hash_value"] == chain[1]["sha256"] != d[2]["digest_sha256"]
    assert d[1]["trail_name"] == TRAIL and d[1]["signature"] == chain[0]["signature"]


def test_a_digest_without_a_signature_or_a_key_is_not_verifiable_never_valid(tmp_path, con, lake_root, key):
    fp = hashlib.md5(_der(key)).hexdigest()
    chain = _chain(tmp_path / "trail", key, [1, 2, 3], fp)
    (chain[0]["path"].parent / (chain[0]["path"].name + DIGEST_SIGNATURE_SUFFIX)).unlink()  # as aws s3 sync copies
    _sidecar(chain[1]["path"], None)  # the S3 object carried no x-amz-meta-signature
    _keys(tmp_path / "aws", key, fingerprint="0" * 32)  # ListPublicKeys knows another key
    _load_both(tmp_path, con, lake_root)
    got = _verified(con)
    assert {h: r["verification"] for h, r in got.items()} == {1: "not_verifiable", 2: "not_verifiable",
                                                              3: "not_verifiable"}
    assert "no sidecar beside the digest" in got[1]["detail"]
    assert got[2]["detail"] == "the S3 object carries no x-amz-meta-signature metadata"
    assert got[3]["detail"].startswith(f"no public key with fingerprint {fp} was captured") and not got[3]["key_found"]
    assert rows(con, "SELECT fingerprint_matches_key FROM cloudtrail_public_keys") == [{"fingerprint_matches_key": False}]


def test_a_damaged_or_orphaned_sidecar_is_quarantined_and_its_digest_not_verifiable(tmp_path, con, lake_root, key):
    fp = hashlib.md5(_der(key)).hexdigest()
    chain = _chain(tmp_path / "trail", key, [1, 2], fp)
    (chain[0]["path"].parent / (chain[0]["path"].name + DIGEST_SIGNATURE_SUFFIX)).write_text("{not json")
    orphan = chain[1]["path"].parent / ("gone.json.gz" + DIGEST_SIGNATURE_SUFFIX)
    orphan.write_text("{}")
    _keys(tmp_path / "aws", key)
    result = _load_both(tmp_path, con, lake_root)
    got = _verified(con)
    assert got[1]["verification"] == "not_verifiable" and "could not be read" in got[1]["detail"]
    assert got[2]["verification"] == "valid"
    reasons = {q["object_key"].rsplit("/", 1)[1]: q["reason"] for q in rows(
        con, "SELECT * FROM quarantine WHERE source = $s", {"s": DIGEST_SOURCE})}
    assert reasons == {chain[0]["path"].name + DIGEST_SIGNATURE_SUFFIX: "unexpected_shape",
                       orphan.name: "unexpected_file"}
    statuses = sorted(i.status for i in result.inputs if i.source == DIGEST_SOURCE)
    assert statuses == ["loaded", "loaded", "loaded", "quarantined", "quarantined"]


def test_a_sidecar_that_is_a_fifo_is_never_opened(tmp_path, con, lake_root, key):
    import os

    fp = hashlib.md5(_der(key)).hexdigest()
    [d] = _chain(tmp_path / "trail", key, [1], fp)
    sidecar = d["path"].parent / (d["path"].name + DIGEST_SIGNATURE_SUFFIX)
    sidecar.unlink()
    os.mkfifo(sidecar)  # reading it would block the run forever
    _keys(tmp_path / "aws", key)
    result = _load_both(tmp_path, con, lake_root)
    assert _verified(con)[1]["verification"] == "not_verifiable"
    [q] = rows(con, "SELECT reason FROM quarantine WHERE source = $s", {"s": DIGEST_SOURCE})
    assert q["reason"] == "not_a_file"
    assert sorted(i.status for i in result.inputs if i.source == DIGEST_SOURCE) == ["loaded", "quarantined"]
