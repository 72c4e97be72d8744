"""Several trails in one cloudtrail source (extract/cloudtrail_trails.py): two trail buckets on a real (moto) S3
server, and two trail folders on disk, each trail with its own accounts and regions, handed over as one stream whose
keys name their trail."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from auditreport.errors import SourceError
from auditreport.raw import cloudtrail_key_trail
from live_seed import ACCOUNTS, PERIOD, REGIONS, TRAIL_PREFIX, extractor, make_config, make_ctx, seed_trail_bucket
from servers import moto_client

A, B = ACCOUNTS
SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "cloudtrail"


@pytest.fixture
def two_buckets(moto):
    """An organisation trail's bucket holding account A, an account trail's bucket holding account B."""
    s3 = moto_client(moto.url, "s3")
    org = seed_trail_bucket(s3, bucket="org-trail", org="o-abcdefghij", accounts=[A], regions=REGIONS)
    acct = seed_trail_bucket(s3, bucket="dev-trail", prefix="", accounts=[B], regions=["eu-west-1"])
    return s3, org, acct


def _trails_config(url: str, **second) -> dict:
    return make_config(url, {"cloudtrail": {"kind": "s3", "trails": [
        {"name": "org", "uri": f"s3://org-trail/{TRAIL_PREFIX}", "organization_id": "o-abcdefghij", "accounts": [A],
         "regions": REGIONS},
        {"name": "dev", "uri": "s3://dev-trail", "accounts": [B], "regions": ["eu-west-1"], **second},
    ]}})  # fmt: skip


def test_two_trail_buckets_are_read_into_one_stream_each_key_naming_its_trail(moto, two_buckets, tmp_path):
    s3, org, acct = two_buckets
    out = extractor(_trails_config(moto.url), "cloudtrail").extract(make_ctx(tmp_path / "raw"))
    assert out.errors == [] and out.kind == "s3"
    assert out.location == f"org: s3://org-trail/{TRAIL_PREFIX}, dev: s3://dev-trail"
    keys = {o.key for o in out.objects}
    assert keys == ({f"org/{k}" for k in org["log"] | org["digest"]} | {f"dev/{k}" for k in acct["log"] | acct["digest"]})
    assert {cloudtrail_key_trail(k) for k in keys} == {"org", "dev"}
    for o in out.objects:  # each trail mirrored into OUT/raw/cloudtrail/<trail>/, byte for byte
        trail, rel = o.key.split("/", 1)
        assert Path(o.path) == tmp_path / "raw" / "cloudtrail" / trail / rel
        bucket, prefix = ("org-trail", TRAIL_PREFIX) if trail == "org" else ("dev-trail", "")
        assert Path(o.path).read_bytes() == s3.get_object(Bucket=bucket, Key=prefix + rel)["Body"].read()


def test_objects_loaded_before_are_skipped_per_trail(moto, two_buckets, tmp_path):
    _, org, _ = two_buckets
    first = extractor(_trails_config(moto.url), "cloudtrail").extract(make_ctx(tmp_path / "raw"))
    etags = {o.key: o.etag for o in first.objects}
    loaded = {k: e for k, e in etags.items() if k.startswith("org/")}  # the org trail's objects loaded before
    again = extractor(_trails_config(moto.url), "cloudtrail").extract(make_ctx(tmp_path / "raw", already_loaded=loaded))
    assert {o.key for o in again.objects} == set(etags)  # every object still handed over (the loader skips them)
    assert len(loaded) == len(org["log"] | org["digest"])


def test_a_trail_that_cannot_be_read_makes_the_source_partial_naming_it(moto, two_buckets, tmp_path):
    out = extractor(_trails_config(moto.url, uri="s3://no-such-bucket"), "cloudtrail").extract(make_ctx(tmp_path / "raw"))
    assert {o.key.split("/", 1)[0] for o in out.objects} == {"org"}
    assert len(out.errors) == 1 and out.errors[0].startswith("trail 'dev': s3://no-such-bucket/") and "NoSuchBucket" in out.errors[0]


def test_a_configured_account_without_logs_is_named_with_its_trail(moto, two_buckets, tmp_path):
    """The dev trail is configured for account A too, whose logs are only in the org trail's bucket."""
    out = extractor(_trails_config(moto.url, accounts=[A, B]), "cloudtrail").extract(make_ctx(tmp_path / "raw"))
    assert out.errors == [f"trail 'dev': s3://dev-trail: no CloudTrail log objects for account {A} in 2026-10 "
                          "(± 1 day); for an organisation trail set organization_id"]


def test_when_no_trail_can_be_read_the_source_is_unavailable(moto, tmp_path):
    cfg = make_config(moto.url, {"cloudtrail": {"kind": "s3", "trails": [
        {"name": "a", "uri": "s3://missing-a", "accounts": [A], "regions": ["eu-west-1"]},
        {"name": "b", "uri": "s3://missing-b", "accounts": [A], "regions": ["eu-west-1"]}]}})  # fmt: skip
    with pytest.raises(SourceError) as e:
        extractor(cfg, "cloudtrail").extract(make_ctx(tmp_path / "raw"))
    assert "trail 'a': s3://missing-a/" in str(e.value) and "; trail 'b': s3://missing-b/" in str(e.value)
    assert "\n" not in str(e.value)


def test_two_trail_folders_on_disk(tmp_path):
    """The sample's two accounts as two trails' folders: every object of each, keyed by its trail."""
    for trail, account in (("prod", "111122223333"), ("dev", "444455556666")):
        shutil.copytree(SAMPLE / "AWSLogs" / account, tmp_path / trail / "AWSLogs" / account)
    cfg = make_config("http://unused", {"cloudtrail": {"kind": "files", "trails": [
        {"name": "prod", "path": str(tmp_path / "prod")}, {"name": "dev", "path": str(tmp_path / "dev")}]}})
    out = extractor(cfg, "cloudtrail").extract(make_ctx(tmp_path / "raw"))
    single = extractor(make_config("http://unused", {"cloudtrail": {"kind": "files", "path": str(SAMPLE)}}),
                       "cloudtrail").extract(make_ctx(tmp_path / "raw"))  # fmt: skip
    by_trail = {"prod": "AWSLogs/111122223333/", "dev": "AWSLogs/444455556666/"}
    assert sorted(o.key for o in out.objects) == sorted(
        f"{t}/{o.key}" for o in single.objects for t, p in by_trail.items() if o.key.startswith(p))
    assert out.errors == [] and out.kind == "files"
    for o in out.objects:
        trail, rel = o.key.split("/", 1)
        assert Path(o.path) == tmp_path / trail / rel


def test_preflight_probes_each_trail_bucket(moto, two_buckets):
    """The extractor's probe (auditreport preflight) lists each trail's bucket as the only one, and names the trail
    in what it notes; a bucket that cannot be listed fails the probe."""
    from auditreport.sources import SOURCES

    cfg = _trails_config(moto.url)
    probe = SOURCES["cloudtrail"].extractor(cfg.sources["cloudtrail"], cfg.aws).probe(PERIOD)
    assert probe.ok, probe.failed
    assert probe.location == f"s3://org-trail/{TRAIL_PREFIX}, s3://dev-trail"
    listed = " ".join(c.what for c in probe.calls)
    assert "org-trail" in listed and "dev-trail" in listed, listed  # both buckets listed
    assert any(n.startswith("trail 'org': ") for n in probe.notes) and any(n.startswith("trail 'dev': ") for n in probe.notes)
    cfg = _trails_config(moto.url, uri="s3://no-such-bucket")
    broken = SOURCES["cloudtrail"].extractor(cfg.sources["cloudtrail"], cfg.aws).probe(PERIOD)
    assert not broken.ok and any("no-such-bucket" in c.line() for c in broken.calls if c.status != "ok")
