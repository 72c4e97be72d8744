"""The probes the extractors declare: each names an IAM action docs/iam-policy.json grants, and failed calls are
classified the way preflight reports them."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError

from auditreport.extract.aws_session import ScopeError
from auditreport.extract.aws_snapshot import AwsSnapshotExtractor
from auditreport.extract.probe import Probe, SourceProbe, ProbeCall, classify
from auditreport.sources import SOURCES, _import

from .test_iam_policy import is_allowed


def snapshot_extractors() -> list[type[AwsSnapshotExtractor]]:
    classes = [_import(kind.extractor) for source in SOURCES.values() for kind in source.kinds.values()]
    return [c for c in classes if isinstance(c, type) and issubclass(c, AwsSnapshotExtractor)]


def test_every_aws_snapshot_extractor_declares_a_probe_the_policy_allows():
    extractors = snapshot_extractors()
    assert {c.name for c in extractors} == {"trails", "sagemaker", "cloudwatch", "iam", "s3", "eks"}
    for cls in extractors:
        probe = cls.probe_call
        assert isinstance(probe, Probe) and probe.service == cls.service, cls
        assert is_allowed(probe.action), f"{cls.name}: {probe.action} is not in docs/iam-policy.json"


def test_the_trail_bucket_probe_needs_what_the_policy_grants():
    assert is_allowed("s3:ListBucket")  # cloudtrail_probe lists with ListObjectsV2


def _client_error(code: str, status: int = 400) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "m"}, "ResponseMetadata": {"HTTPStatusCode": status}},
                       "ListThings")


@pytest.mark.parametrize("exc, expected", [
    (_client_error("AccessDenied", 403), ("denied", "AccessDenied")),
    (_client_error("UnauthorizedOperation", 403), ("denied", "UnauthorizedOperation")),
    (_client_error("AccessDeniedException"), ("denied", "AccessDeniedException")),
    (_client_error("InvalidClientTokenId", 403), ("denied", "InvalidClientTokenId")),
    (_client_error("403", 403), ("denied", "403")),
    (_client_error("InternalError", 500), ("error", "InternalError")),
    (EndpointConnectionError(endpoint_url="http://x"), ("unreachable", "EndpointConnectionError")),
    (NoCredentialsError(), ("unreachable", "NoCredentialsError")),
    (ScopeError("account 1 region r AssumeRole arn:aws:iam::1:role/R: AccessDenied: no"), ("denied", "AccessDenied")),
    (ScopeError("account 1: the credentials belong to account 2"), ("denied", "CredentialsOfAnotherAccount")),
])  # fmt: skip
def test_failed_calls_are_classified(exc, expected):
    assert classify(exc) == expected


def test_a_source_shows_its_worst_call_and_the_actions_aws_refused():
    probe = SourceProbe("iam", "aws", "AWS accounts 1", calls=[
        ProbeCall("a", "ok"), ProbeCall("b", "unreachable", code="EndpointConnectionError"),
        ProbeCall("c", "denied", action="iam:GetAccountAuthorizationDetails", code="AccessDenied"),
        ProbeCall("d", "denied", action="iam:GetAccountAuthorizationDetails", code="InvalidClientTokenId")])
    assert probe.status == "denied" and not probe.ok
    assert probe.needed_actions() == ["iam:GetAccountAuthorizationDetails"]
    assert SourceProbe("x", "aws", "", calls=[ProbeCall("a", "ok")], empty=["nothing"]).status == "empty"
