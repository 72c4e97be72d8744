"""Credential scope and error lines, without a server (botocore's own exception types)."""

from __future__ import annotations

from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError

from auditreport.config import Aws
from auditreport.extract.aws_session import AwsSessions, error_code, error_line, role_session_name


def client_error(code: str, message: str, op: str = "ListModelPackageGroups") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": 403}}, op)


def test_error_lines_name_account_region_operation_and_code():
    line = error_line(client_error("AccessDeniedException", "User: x is not\nauthorized"), "111122223333", "eu-west-1")
    assert line == ("account 111122223333 region eu-west-1 ListModelPackageGroups: AccessDeniedException: "
                    "User: x is not authorized")
    assert error_line(client_error("ExpiredToken", "The security token included in the request is expired"),
                      "111122223333", "us-east-1").endswith("ListModelPackageGroups: ExpiredToken: The security "
                                                            "token included in the request is expired")
    assert error_line(EndpointConnectionError(endpoint_url="https://sagemaker.eu-west-1.amazonaws.com"),
                      "111122223333", "eu-west-1", "ListEndpoints").startswith(
        "account 111122223333 region eu-west-1 ListEndpoints: EndpointConnectionError: Could not connect")
    assert error_line(NoCredentialsError(), None, "eu-west-1", "GetCallerIdentity") == (
        "region eu-west-1 GetCallerIdentity: NoCredentialsError: Unable to locate credentials")
    assert len(error_line(client_error("X", "y" * 5000), "1", "r")) <= 400


def test_an_xml_error_from_a_json_service_is_unwrapped():
    xml = ('<?xml version="1.0"?><ErrorResponse><Errors><Error><Code>AccessDenied</Code>'
           '<Message>not authorized to perform: logs:DescribeLogGroups</Message></Error></Errors></ErrorResponse>')
    err = ClientError({"Error": {"Code": "403", "Message": xml}}, "DescribeLogGroups")
    assert error_code(err) == "AccessDenied"
    assert error_line(err, "1", "r") == ("account 1 region r DescribeLogGroups: AccessDenied: not authorized to "
                                         "perform: logs:DescribeLogGroups")


def test_role_session_name_follows_sts_rules():
    assert role_session_name("20261101T030000Z-1a2b") == "auditreport-20261101T030000Z-1a2b"
    assert role_session_name("2026-11-01 03:00:00/x") == "auditreport-2026-11-01-03-00-00-x"
    assert len(role_session_name("x" * 200)) == 64


def test_retry_mode_pool_and_path_style_for_a_test_endpoint():
    s = AwsSessions(Aws(max_attempts=5, max_concurrency=16, endpoint_url="http://127.0.0.1:1"), "r")
    assert s.boto_config.retries == {"mode": "adaptive", "max_attempts": 5}
    assert s.boto_config.max_pool_connections == 18
    assert s.boto_config.s3 == {"addressing_style": "path"}
    assert AwsSessions(Aws(), "r").boto_config.s3 is None


def test_assumed_role_credentials_refresh_themselves_when_they_expire(moto, aws_calls):
    """A month of CloudTrail takes a while to download: credentials that expire midway are renewed, not fatal."""
    from datetime import datetime, timedelta, timezone

    sessions = AwsSessions(Aws(accounts=["111111111111"], role_arn="arn:aws:iam::{account}:role/AuditReportReader",
                               external_id="ext", endpoint_url=moto.url), "run-9")
    with aws_calls.recording():
        sts = sessions.client("sts", "111111111111", "eu-west-1")
        assert sts.get_caller_identity()["Account"] == "111111111111"
        creds = sessions.session_for("111111111111").get_credentials()
        assert creds.method == "sts-assume-role"
        creds._expiry_time = datetime.now(timezone.utc) - timedelta(seconds=1)  # botocore's own field: expire now
        assert sts.get_caller_identity()["Account"] == "111111111111"
    assume = aws_calls.of("AssumeRole")
    assert len(assume) == 2
    assert assume[0][3] == {"RoleArn": "arn:aws:iam::111111111111:role/AuditReportReader",
                            "RoleSessionName": "auditreport-run-9", "ExternalId": "ext"}
