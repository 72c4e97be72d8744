"""auditreport.source_settings: one strict settings model per kind of source, and s3:// URI parsing."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from auditreport.source_settings import (AwsApiSettings, CloudTrailFilesSettings, CloudWatchSettings, FilesSettings,
                                         MlflowRestSettings, S3BucketSettings, S3TrailSettings, parse_s3_uri)  # fmt: skip

VALID = [
    (FilesSettings, {"kind": "files", "path": "x"}),
    (S3TrailSettings, {"kind": "s3", "uri": "s3://b"}),
    (S3TrailSettings, {"kind": "s3", "trails": [{"name": "org", "uri": "s3://b"}]}),
    (CloudTrailFilesSettings, {"kind": "files", "path": "x"}),
    (CloudTrailFilesSettings, {"kind": "files", "trails": [{"name": "prod", "path": "x"}]}),
    (AwsApiSettings, {"kind": "aws"}),
    (CloudWatchSettings, {"kind": "aws"}),
    (S3BucketSettings, {"kind": "aws"}),
    (MlflowRestSettings, {"kind": "rest", "tracking_uri": "http://localhost:5000"}),
]


@pytest.mark.parametrize("model,body", VALID, ids=[f"{m.__name__}-{i}" for i, (m, _) in enumerate(VALID)])
def test_each_settings_model_accepts_its_minimal_body_and_forbids_unknown_keys(model, body):
    assert model.model_validate(body).kind == body["kind"]
    with pytest.raises(ValidationError) as e:
        model.model_validate({**body, "typo_key": 1})
    assert e.value.errors()[0]["type"] == "extra_forbidden"
    assert e.value.errors()[0]["loc"] == ("typo_key",)


@pytest.mark.parametrize("model,body", VALID, ids=[f"{m.__name__}-{i}" for i, (m, _) in enumerate(VALID)])
def test_each_settings_model_refuses_another_kind(model, body):
    with pytest.raises(ValidationError) as e:
        model.model_validate({**body, "kind": "other"})
    assert e.value.errors()[0]["loc"] == ("kind",)


def test_files_settings_path_is_a_path():
    assert FilesSettings(kind="files", path="a/b").path == Path("a/b")


@pytest.mark.parametrize("uri", ["https://bucket", "bucket", "s3://", "S3://bucket", "s3:/bucket", ""])
def test_s3_trail_settings_rejects_a_non_s3_uri(uri):
    with pytest.raises(ValidationError) as e:
        S3TrailSettings(kind="s3", uri=uri)
    err = e.value.errors()[0]
    assert err["loc"] == ("uri",) and "is not an s3://bucket[/prefix] URI" in err["msg"]


def test_s3_trail_settings_bucket_and_defaults():
    s = S3TrailSettings(kind="s3", uri="s3://trail-bucket/org/trail/")
    assert s.bucket == "trail-bucket"
    assert (s.organization_id, s.accounts, s.regions, s.bucket_account) == (None, None, None, None)


@pytest.mark.parametrize("uri,expected", [
    ("s3://b", ("b", "")),
    ("s3://b/", ("b", "")),
    ("s3://b/p", ("b", "p/")),
    ("s3://b/p/", ("b", "p/")),
    ("s3://b/p/q/r", ("b", "p/q/r/")),
    ("s3://b/p/q/r/", ("b", "p/q/r/")),
    ("s3://b//p//", ("b", "p/")),
    ("b/p", ("b", "p/")),
])  # fmt: skip
def test_parse_s3_uri_gives_bucket_and_a_prefix_that_is_empty_or_ends_with_a_slash(uri, expected):
    assert parse_s3_uri(uri) == expected


def test_mlflow_rest_settings_timeout_must_be_positive():
    assert MlflowRestSettings(kind="rest", tracking_uri="http://x").timeout_seconds == 30
    assert MlflowRestSettings(kind="rest", tracking_uri="http://x", timeout_seconds=0.5).timeout_seconds == 0.5
    for bad in (0, -1):
        with pytest.raises(ValidationError) as e:
            MlflowRestSettings(kind="rest", tracking_uri="http://x", timeout_seconds=bad)
        assert e.value.errors()[0]["loc"] == ("timeout_seconds",)


def test_mlflow_rest_settings_needs_a_tracking_uri():
    with pytest.raises(ValidationError) as e:
        MlflowRestSettings(kind="rest")
    assert e.value.errors()[0]["loc"] == ("tracking_uri",)


def test_cloudwatch_and_s3_bucket_settings_defaults_are_not_shared_between_instances():
    a, b = CloudWatchSettings(kind="aws"), CloudWatchSettings(kind="aws")
    a.event_log_groups.append("/x")
    assert b.event_log_groups == [] and a.log_group_prefixes is None
    c, d = S3BucketSettings(kind="aws"), S3BucketSettings(kind="aws")
    c.buckets.append("x")
    assert d.buckets == [] and d.bucket_accounts == []


def test_aws_settings_forbid_unknown_keys_and_check_account_ids():
    from auditreport.source_settings import Aws

    assert Aws(accounts=["111122223333"]).accounts == ["111122223333"]
    with pytest.raises(ValidationError) as e:
        Aws(acounts=["111122223333"])
    assert e.value.errors()[0]["type"] == "extra_forbidden"
    for bad in ("1234", "11112222333a", "1111222233334"):
        with pytest.raises(ValidationError, match=f"'{bad}' is not a 12-digit AWS account id"):
            Aws(accounts=[bad])
    with pytest.raises(ValidationError):
        Aws(max_concurrency=65)


# -- several trails --------------------------------------------------------------------------------------------------


def test_several_trails_each_with_its_own_bucket_accounts_and_regions():
    s = S3TrailSettings.model_validate({"kind": "s3", "trails": [
        {"name": "org", "uri": "s3://org-logs/o", "organization_id": "o-abc", "bucket_account": "999988887777"},
        {"name": "dev", "uri": "s3://dev-logs", "accounts": ["111122223333"], "regions": ["eu-west-1"]}]})
    (org_name, org), (dev_name, dev) = s.each_trail()
    assert (org_name, org.uri, org.organization_id, org.bucket_account, org.bucket) == (
        "org", "s3://org-logs/o", "o-abc", "999988887777", "org-logs")
    assert (dev_name, dev.accounts, dev.regions, dev.trails) == ("dev", ["111122223333"], ["eu-west-1"], [])
    assert s.uris == ["s3://org-logs/o", "s3://dev-logs"]
    single = S3TrailSettings(kind="s3", uri="s3://b")
    assert single.each_trail() == [(None, single)] and single.uris == ["s3://b"]  # the single-bucket form


@pytest.mark.parametrize("body,message", [
    ({"kind": "s3"}, "give uri (one trail bucket) or trails"),
    ({"kind": "s3", "uri": "s3://a", "trails": [{"name": "x", "uri": "s3://b"}]}, "give uri (one trail bucket) or trails"),
    ({"kind": "s3", "accounts": ["111122223333"], "trails": [{"name": "x", "uri": "s3://b"}]},
     "with trails, organization_id, accounts, regions and bucket_account go in each trail"),
    ({"kind": "s3", "trails": [{"name": "x", "uri": "s3://a"}, {"name": "x", "uri": "s3://b"}]},
     "trails: names must be unique, 'x' repeats"),
    ({"kind": "s3", "trails": [{"name": "a/b", "uri": "s3://a"}]}, "String should match pattern"),
    ({"kind": "s3", "trails": [{"name": "AWSLogs", "uri": "s3://a"}]}, "'AWSLogs' is the CloudTrail key layout"),
    ({"kind": "s3", "trails": [{"name": "x", "uri": "https://a"}]}, "'https://a' is not an s3://bucket[/prefix] URI"),
    ({"kind": "s3", "trails": [{"name": "x", "uri": "s3://a", "typo": 1}]}, "Extra inputs are not permitted"),
])
def test_several_trails_refused_with_the_reason(body, message):
    with pytest.raises(ValidationError) as e:
        S3TrailSettings.model_validate(body)
    assert message in str(e.value)


@pytest.mark.parametrize("body,message", [
    ({"kind": "files"}, "give path (one folder) or trails"),
    ({"kind": "files", "path": "x", "trails": [{"name": "p", "path": "y"}]}, "give path (one folder) or trails"),
    ({"kind": "files", "trails": [{"name": "p", "path": "x"}, {"name": "p", "path": "y"}]}, "'p' repeats"),
])
def test_several_trail_folders_refused_with_the_reason(body, message):
    with pytest.raises(ValidationError) as e:
        CloudTrailFilesSettings.model_validate(body)
    assert message in str(e.value)


def test_trail_folders_are_resolved_against_the_configuration(tmp_path):
    s = CloudTrailFilesSettings.model_validate({"kind": "files", "trails": [
        {"name": "a", "path": "rel/a"}, {"name": "b", "path": str(tmp_path / "abs")}]})
    s.resolve_paths(tmp_path)
    assert [t.path for t in s.trails] == [(tmp_path / "rel" / "a").resolve(), tmp_path / "abs"]
