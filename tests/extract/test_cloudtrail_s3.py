"""CloudTrail from a trail bucket on a real (moto) S3 server in its own process."""

from __future__ import annotations

import gzip
import json
import re
from datetime import date

import pytest

from auditreport.errors import SourceError
from auditreport.raw import CLOUDTRAIL_KEY, DIGEST_SIGNATURE_SUFFIX
from auditreport.source_settings import parse_s3_uri
from live_seed import (ACCOUNTS, ORG, PERIOD, REGIONS, ROLE_PATTERN, TRAIL_BUCKET, TRAIL_PREFIX, extractor,
                       make_config, make_ctx, seed_trail_bucket)
from servers import moto_client

DAYS_LISTED = len(PERIOD.days(margin_days=1))  # 31 + 2


def in_period_day_prefix(prefix: str) -> bool:
    m = re.search(r"/CloudTrail(?:-Digest)?/[a-z0-9-]+/(\d{4})/(\d{2})/(\d{2})/$", prefix)
    if not m:
        return False
    return date(*map(int, m.groups())) in PERIOD.days(margin_days=1)


@pytest.fixture
def bucket(moto):
    s3 = moto_client(moto.url, "s3")
    return s3, seed_trail_bucket(s3)


def test_parse_s3_uri():
    assert parse_s3_uri("s3://b") == ("b", "")
    assert parse_s3_uri("s3://b/") == ("b", "")
    assert parse_s3_uri("s3://b/a/b/") == ("b", "a/b/")
    assert parse_s3_uri("s3://b/a/b") == ("b", "a/b/")


def test_lists_only_the_day_prefixes_of_the_period_and_mirrors_the_key_layout(moto, bucket, tmp_path, aws_calls):
    s3, keys = bucket
    cfg = make_config(moto.url, {"cloudtrail": {"kind": "s3", "uri": f"s3://{TRAIL_BUCKET}/{TRAIL_PREFIX}"}},
                      accounts=ACCOUNTS, regions=REGIONS)
    ctx = make_ctx(tmp_path / "raw")
    with aws_calls.recording():
        out = extractor(cfg, "cloudtrail").extract(ctx)

    assert out.errors == [] and out.kind == "s3" and out.location == f"s3://{TRAIL_BUCKET}/{TRAIL_PREFIX}"
    got = {o.key: o for o in out.objects}
    assert set(got) == keys["log"] | keys["digest"]
    assert {o.kind for o in out.objects if o.key in keys["digest"]} == {"digest"}
    assert {o.kind for o in out.objects if o.key in keys["log"]} == {"log"}
    # every object is on disk below the root, in the AWS layout, byte for byte
    assert (out.root / "AWSLogs").is_dir() and out.root == tmp_path / "raw" / "cloudtrail"
    for o in out.objects:
        assert CLOUDTRAIL_KEY.search(o.key), o.key
        assert o.path == out.root / o.key
        body = s3.get_object(Bucket=TRAIL_BUCKET, Key=TRAIL_PREFIX + o.key)
        assert o.path.read_bytes() == body["Body"].read()
        assert o.size_bytes == o.path.stat().st_size and o.etag == body["ETag"].strip('"')
    first_log = next(o for o in out.objects if o.kind == "log")
    assert json.loads(gzip.decompress(first_log.path.read_bytes()))["Records"]

    # only day prefixes of the period +- 1 day were listed, never the bucket or an account folder
    lists = aws_calls.of("ListObjectsV2")
    prefixes = [c[3]["Prefix"] for c in lists]
    assert all(in_period_day_prefix(p) for p in prefixes), [p for p in prefixes if not in_period_day_prefix(p)]
    assert all("Delimiter" not in c[3] for c in lists)  # accounts and regions were configured: no discovery
    assert len(set(prefixes)) == len(ACCOUNTS) * len(REGIONS) * 2 * DAYS_LISTED
    got_keys = {c[3]["Key"] for c in aws_calls.of("GetObject")}
    assert got_keys == {TRAIL_PREFIX + k for k in keys["log"] | keys["digest"]}
    assert not any(k.removeprefix(TRAIL_PREFIX) in keys["outside"] for k in got_keys)


def test_organisation_trail_accounts_and_regions_are_discovered(moto, tmp_path, aws_calls):
    s3 = moto_client(moto.url, "s3")
    keys = seed_trail_bucket(s3, prefix="", org=ORG)
    cfg = make_config(moto.url, {"cloudtrail": {"kind": "s3", "uri": f"s3://{TRAIL_BUCKET}"}})
    with aws_calls.recording():
        out = extractor(cfg, "cloudtrail").extract(make_ctx(tmp_path / "raw"))

    assert {o.key for o in out.objects} == keys["log"] | keys["digest"]
    assert all(k.startswith(f"AWSLogs/{ORG}/") for k in (o.key for o in out.objects))
    assert all((out.root / o.key).is_file() for o in out.objects)
    delimited = sorted(c[3]["Prefix"] for c in aws_calls.of("ListObjectsV2") if c[3].get("Delimiter") == "/")
    # AWSLogs/, AWSLogs/o-x/, then per account CloudTrail/ and CloudTrail-Digest/: a handful, not the bucket
    assert delimited[:2] == ["AWSLogs/", f"AWSLogs/{ORG}/"]
    assert len(delimited) == 2 + 2 * len(ACCOUNTS)
    others = [c[3]["Prefix"] for c in aws_calls.of("ListObjectsV2") if "Delimiter" not in c[3]]
    assert all(in_period_day_prefix(p) for p in others)
    assert out.errors == []


def test_organisation_id_from_the_config_and_assume_role_into_the_bucket_account(moto, tmp_path, aws_calls):
    log_archive = "333333333333"
    s3 = moto_client(moto.url, "s3", account=log_archive)
    keys = seed_trail_bucket(s3, org=ORG)
    cfg = make_config(
        moto.url,
        {"cloudtrail": {"kind": "s3", "uri": f"s3://{TRAIL_BUCKET}/{TRAIL_PREFIX}", "organization_id": ORG,
                        "accounts": [ACCOUNTS[0]], "bucket_account": log_archive}},
        role_arn=ROLE_PATTERN, external_id="audit-ext-id", regions=["eu-west-1"],
    )
    with aws_calls.recording():
        out = extractor(cfg, "cloudtrail").extract(make_ctx(tmp_path / "raw", run_id="20261101T0300Z-ab12"))
    assert {o.key for o in out.objects} == {k for k in keys["log"] | keys["digest"]
                                            if f"/{ACCOUNTS[0]}/" in k and "/eu-west-1/" in k}
    assume = aws_calls.of("AssumeRole")
    assert [c[3]["RoleArn"] for c in assume] == [f"arn:aws:iam::{log_archive}:role/AuditReportReader"]
    assert assume[0][3]["ExternalId"] == "audit-ext-id"
    assert assume[0][3]["RoleSessionName"] == "auditreport-20261101T0300Z-ab12"


def test_second_run_downloads_nothing_and_a_changed_object_is_downloaded_again(moto, bucket, tmp_path, aws_calls):
    s3, keys = bucket
    cfg = make_config(moto.url, {"cloudtrail": {"kind": "s3", "uri": f"s3://{TRAIL_BUCKET}/{TRAIL_PREFIX}"}},
                      accounts=ACCOUNTS, regions=REGIONS)
    first = extractor(cfg, "cloudtrail").extract(make_ctx(tmp_path / "raw"))
    loaded = {o.key: o.etag for o in first.objects}  # what the loader records as loaded

    with aws_calls.recording():
        second = extractor(cfg, "cloudtrail").extract(make_ctx(tmp_path / "raw", run_id="run-2",
                                                          already_loaded=loaded))
    assert aws_calls.of("GetObject") == []
    assert {o.key for o in second.objects} == set(loaded)
    assert all(o.path is None and o.etag == loaded[o.key] for o in second.objects)

    # the bucket owner rewrites one object: a new ETag, which must come back downloaded, with its new ETag
    changed = sorted(keys["log"])[3]
    s3.put_object(Bucket=TRAIL_BUCKET, Key=TRAIL_PREFIX + changed, Body=b"rewritten, not even gzip")
    third = extractor(cfg, "cloudtrail").extract(make_ctx(tmp_path / "raw", run_id="run-3", already_loaded=loaded))
    downloaded = [o for o in third.objects if o.path is not None]
    assert [o.key for o in downloaded] == [changed]
    assert downloaded[0].etag != loaded[changed]
    assert downloaded[0].path.read_bytes() == b"rewritten, not even gzip"


def test_a_run_killed_midway_then_run_again_has_every_object_exactly_once(moto, bucket, tmp_path):
    _, keys = bucket
    cfg = make_config(moto.url, {"cloudtrail": {"kind": "s3", "uri": f"s3://{TRAIL_BUCKET}/{TRAIL_PREFIX}"}},
                      accounts=ACCOUNTS, regions=REGIONS, max_concurrency=4)
    raw = tmp_path / "raw"

    class Killed(Exception):
        pass

    def die_after_five(source, objects, nbytes):
        if objects >= 5:
            raise Killed

    with pytest.raises(Killed):
        extractor(cfg, "cloudtrail").extract(make_ctx(raw, progress=die_after_five))
    root = raw / "cloudtrail"
    half = [p for p in root.rglob("*") if p.is_file()]
    assert 5 <= len(half) < len(keys["log"] | keys["digest"])
    assert not [p for p in half if p.name.endswith(".tmp")]
    # a hard kill (SIGKILL mid-write) leaves a temporary file: the next run removes it
    stale = root / "AWSLogs" / "stale" / f".{sorted(keys['log'])[0].rsplit('/', 1)[1]}.0123.tmp"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"half an object")

    progress = []
    out = extractor(cfg, "cloudtrail").extract(make_ctx(raw, run_id="run-2",
                                                   progress=lambda *a: progress.append(a)))
    listed = [o.key for o in out.objects]
    assert len(listed) == len(set(listed)) and set(listed) == keys["log"] | keys["digest"]
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    # no duplicate, no leftover, nothing else: each object, and beside each digest its signature sidecar
    assert files == sorted(listed + [k + DIGEST_SIGNATURE_SUFFIX for k in keys["digest"]])
    assert progress[-1][0] == "cloudtrail" and progress[-1][1] == len(listed)
    assert progress[-1][2] == sum(o.size_bytes for o in out.objects)


def test_a_configured_account_without_logs_makes_the_source_partial(moto, bucket, tmp_path):
    cfg = make_config(moto.url, {"cloudtrail": {"kind": "s3", "uri": f"s3://{TRAIL_BUCKET}/{TRAIL_PREFIX}"}},
                      accounts=[*ACCOUNTS, "444444444444"], regions=REGIONS)
    out = extractor(cfg, "cloudtrail").extract(make_ctx(tmp_path / "raw"))
    assert len(out.objects) == len(bucket[1]["log"] | bucket[1]["digest"])
    assert len(out.errors) == 1 and "444444444444" in out.errors[0] and "2026-10" in out.errors[0]


def test_a_missing_bucket_is_a_source_error_naming_the_source(moto, tmp_path):
    cfg = make_config(moto.url, {"cloudtrail": {"kind": "s3", "uri": "s3://no-such-trail-bucket/x"}})
    with pytest.raises(SourceError) as e:
        extractor(cfg, "cloudtrail").extract(make_ctx(tmp_path / "raw"))
    assert e.value.source == "cloudtrail"
    assert "NoSuchBucket" in str(e.value) and "ListObjectsV2" in str(e.value)
    assert "\n" not in str(e.value)


def test_a_digest_keeps_its_signature_metadata_in_a_sidecar_that_verifies(moto, tmp_path):
    """x-amz-meta-signature is S3 metadata, not part of the file: the extractor records it beside the digest from
    the GetObject answer, and the loaders verify it (moto keeps user metadata as S3 does)."""
    import base64
    import hashlib

    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    from auditreport.lake.connection import connect
    from auditreport.load.base import LoadContext
    from auditreport.load.cloudtrail_signatures import string_to_sign, verify_digests
    from auditreport.load.cloudtrail_source import CloudTrailSourceLoader

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    s3 = moto_client(moto.url, "s3")
    s3.create_bucket(Bucket="sig-trail", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    account, region = ACCOUNTS[0], REGIONS[0]
    keys = []
    for hour, signed in ((1, True), (2, False)):
        k = (f"AWSLogs/{account}/CloudTrail-Digest/{region}/2026/10/15/"
             f"{account}_CloudTrail-Digest_{region}_t_{region}_20261015T0{hour}0000Z.json.gz")
        doc = {"digestStartTime": f"2026-10-15T0{hour - 1}:00:00Z", "digestEndTime": f"2026-10-15T0{hour}:00:00Z",
               "digestS3Bucket": "sig-trail", "digestS3Object": k, "previousDigestSignature": None,
               "digestPublicKeyFingerprint": hashlib.md5(der).hexdigest(), "logFiles": []}
        raw = json.dumps(doc).encode()
        sig = key.sign(string_to_sign({"digest_end_time_raw": doc["digestEndTime"], "digest_s3_bucket": "sig-trail",
                                       "digest_s3_object": k, "digest_sha256": hashlib.sha256(raw).hexdigest(),
                                       "previous_digest_signature": None}), padding.PKCS1v15(), hashes.SHA256())
        meta = {"signature": sig.hex(), "signature-algorithm": "SHA256withRSA"} if signed else {}
        s3.put_object(Bucket="sig-trail", Key=k, Body=gzip.compress(raw), Metadata=meta)
        keys.append(k)
    cfg = make_config(moto.url, {"cloudtrail": {"kind": "s3", "uri": "s3://sig-trail"}}, accounts=[account],
                      regions=[region])
    ctx = make_ctx(tmp_path / "raw")
    out = extractor(cfg, "cloudtrail").extract(ctx)
    objects = list(out.objects)
    signed = json.loads((out.root / (keys[0] + DIGEST_SIGNATURE_SUFFIX)).read_text())
    unsigned = json.loads((out.root / (keys[1] + DIGEST_SIGNATURE_SUFFIX)).read_text())
    assert signed["signature_algorithm"] == "SHA256withRSA" and len(signed["signature"]) == 512
    assert signed["read_from"] == "GetObject" and signed["etag"] == next(o.etag for o in objects if o.key == keys[0])
    assert unsigned["signature"] is None and unsigned["signature_algorithm"] is None

    lake_root, con = tmp_path / "lake", connect(work_dir=tmp_path)
    CloudTrailSourceLoader().load(out, LoadContext(con=con, lake_root=lake_root, period=PERIOD, run_id="r"))
    from auditreport.load.trails import period_digests

    public = [{"fingerprint": hashlib.md5(der).hexdigest(), "value_base64": base64.b64encode(der).decode(),
               "fingerprint_matches_key": True, "region": region}]
    got = {r["source_key"]: r for r in verify_digests(period_digests(con, lake_root, PERIOD.month_labels()), public, "r")}
    assert got[keys[0]]["verification"] == "valid"
    assert (got[keys[1]]["verification"], got[keys[1]]["detail"]) == (
        "not_verifiable", "the S3 object carries no x-amz-meta-signature metadata")
