"""A source that AWS refuses, or that cannot be reached, is a SourceError naming it, in one line.

AccessDenied is real: moto's IAM enforcement (``POST /moto-api/reset-auth 0``) is switched on for the test, and the
tool runs with the access key of an IAM user whose only permission is sts:GetCallerIdentity. moto then evaluates
every request against that user's policies, as AWS does, and answers AccessDenied. (moto's enforcement covers the
services used here; its S3 action names differ in places from IAM's, which is why the least-privilege test maps
operations to IAM actions itself instead of relying on moto.)"""

from __future__ import annotations

import json

import pytest

from auditreport.errors import SourceError
from auditreport.extract.cloudtrail_s3 import S3CloudTrailExtractor
from auditreport.extract.mlflow import MlflowRestExtractor
from auditreport.sources import SOURCES as REGISTRY
from live_seed import extractor, make_config, make_ctx
from servers import closed_port, moto_client

SOURCES = {
    "cloudtrail": {"kind": "s3", "uri": "s3://denied-trail-bucket/logs"},
    "trails": {"kind": "aws"},
    "sagemaker": {"kind": "aws"},
    "cloudwatch": {"kind": "aws", "event_log_groups": ["/ml/training"]},
    "iam": {"kind": "aws"},
    "s3": {"kind": "aws", "buckets": ["denied-trail-bucket"]},
}


@pytest.fixture
def powerless_user(moto, monkeypatch):
    """Credentials of an IAM user that may only ask who it is; IAM enforcement on."""
    iam = moto_client(moto.url, "iam", "us-east-1")
    iam.create_user(UserName="auditor-without-rights")
    iam.put_user_policy(UserName="auditor-without-rights", PolicyName="whoami", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:GetCallerIdentity", "Resource": "*"}]}))
    key = iam.create_access_key(UserName="auditor-without-rights")["AccessKey"]
    moto_client(moto.url, "s3").create_bucket(Bucket="denied-trail-bucket",
                                              CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
    moto.set_auth(0)
    return key


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_access_denied_makes_the_source_unavailable(moto, powerless_user, source, tmp_path):
    cfg = make_config(moto.url, {source: SOURCES[source]}, regions=["eu-west-1"], accounts=["123456789012"])
    with pytest.raises(SourceError) as e:
        extractor(cfg, source).extract(make_ctx(tmp_path / "raw"))
    msg = str(e.value)
    assert e.value.source == source and e.value.exit_code == 2
    assert "AccessDenied" in msg and "\n" not in msg and "<" not in msg, msg
    assert "123456789012" in msg or "denied-trail-bucket" in msg, msg


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_an_endpoint_that_refuses_connections_makes_the_source_unavailable(moto, source, tmp_path):
    url = f"http://127.0.0.1:{closed_port()}"
    cfg = make_config(url, {source: SOURCES[source]}, regions=["eu-west-1"], max_attempts=1)
    with pytest.raises(SourceError) as e:
        extractor(cfg, source).extract(make_ctx(tmp_path / "raw"))
    assert e.value.source == source
    assert "EndpointConnectionError" in str(e.value) and "eu-west-1" in str(e.value)


def test_no_credentials_at_all(moto, monkeypatch, tmp_path):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    cfg = make_config(moto.url, {"iam": {"kind": "aws"}}, regions=["eu-west-1"])
    with pytest.raises(SourceError) as e:
        extractor(cfg, "iam").extract(make_ctx(tmp_path / "raw"))
    assert "NoCredentialsError" in str(e.value) and "GetCallerIdentity" in str(e.value)


def test_the_registry_builds_the_live_extractors(moto, tmp_path):
    """Each source's record builds its live extractor from that source's settings (and [aws]); the result reads the
    same server."""
    moto_client(moto.url, "iam", "us-east-1").create_role(RoleName="ml-x", AssumeRolePolicyDocument="{}")
    cfg = make_config(moto.url, {"iam": {"kind": "aws"}, "cloudtrail": SOURCES["cloudtrail"],
                                 "mlflow": {"kind": "rest", "tracking_uri": "http://127.0.0.1:1"}},
                      regions=["eu-west-1"])
    iam = REGISTRY["iam"].extractor(cfg.sources["iam"], cfg.aws)
    out = iam.extract(make_ctx(tmp_path / "raw"))
    assert out.source == "iam" and (out.root / "123456789012" / "global" / "iam").is_dir()
    trail = REGISTRY["cloudtrail"].extractor(cfg.sources["cloudtrail"], cfg.aws)
    assert type(trail) is S3CloudTrailExtractor and trail.settings is cfg.sources["cloudtrail"]
    mlflow = REGISTRY["mlflow"].extractor(cfg.sources["mlflow"], cfg.aws)
    assert type(mlflow) is MlflowRestExtractor and mlflow.settings.tracking_uri == "http://127.0.0.1:1"
