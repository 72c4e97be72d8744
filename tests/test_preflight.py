"""``auditreport preflight`` against real parts: the moto server with its IAM enforcement on (real AccessDenied
answers, evaluated against the user's policy as AWS does), the real ``mlflow server``, and a closed port.

moto cannot show every behaviour: with IAM enforcement on, it rejects the signature of EKS requests
(SignatureDoesNotMatch, whatever the key), so the ``eks`` source is probed only with enforcement off here."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from auditreport.config import load_config
from auditreport.period import Period
from auditreport.preflight import preflight
from live_seed import PERIOD, TRAIL_BUCKET, TRAIL_PREFIX, make_config, seed_buckets, seed_trail_bucket
from servers import closed_port, moto_client

REPO = Path(__file__).resolve().parents[1]
POLICY = json.loads((REPO / "docs" / "iam-policy.json").read_text())
ACCOUNT = "123456789012"  # the account of moto's default credentials, and of the users it creates
REGION = "eu-west-1"


# moto (5.x) authorises S3 requests by the API operation's name, not by the IAM action AWS checks: it asks for
# s3:ListObjectsV2 where AWS asks for s3:ListBucket. The test user's policy grants moto's spelling beside IAM's;
# preflight itself names the IAM action (what a real policy needs).
MOTO_S3_SPELLING = {"s3:ListBucket": ["s3:ListObjectsV2"], "s3:ListAllMyBuckets": ["s3:ListBuckets"]}


def policy_without(action: str) -> dict:
    """docs/iam-policy.json less one action (and the KMS condition, which no call here needs)."""
    statements = []
    for st in POLICY["Statement"]:
        actions = [x for a in st["Action"] if a != action for x in [a, *MOTO_S3_SPELLING.get(a, [])]]
        if actions:
            statements.append({"Effect": "Allow", "Action": actions, "Resource": "*"})
    return {"Version": "2012-10-17", "Statement": statements}


def user_with(moto, monkeypatch, policy: dict, name: str = "auditor") -> None:
    """Credentials of an IAM user holding ``policy``, and IAM enforcement switched on."""
    iam = moto_client(moto.url, "iam", "us-east-1")
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
    moto.set_auth(0)


def estate(moto, mlflow_url: str | None = None, eks: bool = False, **aws):
    """A one-account estate whose trail bucket holds log files of the live seed's days, and its configuration."""
    s3 = moto_client(moto.url, "s3", REGION)
    seed_trail_bucket(s3, accounts=[ACCOUNT], regions=[REGION])
    buckets = seed_buckets(s3)
    sources = {
        "cloudtrail": {"kind": "s3", "uri": f"s3://{TRAIL_BUCKET}/{TRAIL_PREFIX}"},
        "trails": {"kind": "aws"},
        "sagemaker": {"kind": "aws"},
        "cloudwatch": {"kind": "aws"},
        "iam": {"kind": "aws"},
        "s3": {"kind": "aws", "buckets": buckets},
    }
    if eks:
        sources["eks"] = {"kind": "aws"}
    if mlflow_url:
        sources["mlflow"] = {"kind": "rest", "tracking_uri": mlflow_url, "timeout_seconds": 5}
    return make_config(moto.url, sources, accounts=[ACCOUNT], regions=[REGION], **aws)


def by_source(result) -> dict:
    return {s.source: s for s in result.sources}


def test_a_policy_lacking_one_action_names_that_denied_call_precisely(moto, mlflow, monkeypatch):
    config = estate(moto, mlflow.url)
    user_with(moto, monkeypatch, policy_without("iam:GetAccountAuthorizationDetails"))
    result = preflight(config, PERIOD)
    probes = by_source(result)
    assert probes["iam"].status == "denied"
    assert [s for s, p in probes.items() if not p.ok] == ["iam"], "\n".join(result.lines())
    (call,) = probes["iam"].failed
    assert call.action == "iam:GetAccountAuthorizationDetails" and call.code == "AccessDenied"
    lines = result.lines()
    iam_line = next(line for line in lines if line.startswith("iam "))
    assert f"account {ACCOUNT}" in iam_line and "GetAccountAuthorizationDetails: AccessDenied" in iam_line
    assert "(needs iam:GetAccountAuthorizationDetails)" in iam_line
    assert lines[-1].startswith("preflight 2026-10: 7 source(s) configured: 6 ok, 1 denied")
    assert "the credentials need iam:GetAccountAuthorizationDetails (granted in docs/iam-policy.json)" in lines[-1]
    assert "not configured: eks" in lines[-1]
    assert result.exit_code == 2
    assert all("\n" not in line for line in lines)


def test_a_trail_bucket_the_credentials_may_not_list_names_the_prefix_and_s3_list_bucket(moto, monkeypatch):
    config = estate(moto)
    user_with(moto, monkeypatch, policy_without("s3:ListBucket"))
    probes = by_source(preflight(config, PERIOD))
    trail = probes["cloudtrail"]
    assert trail.status == "denied" and trail.needed_actions() == ["s3:ListBucket"]
    line = trail.failed[0].line()
    assert f"s3://{TRAIL_BUCKET}/{TRAIL_PREFIX}AWSLogs/" in line and "ListObjectsV2: AccessDenied" in line, line
    assert line.endswith("(needs s3:ListBucket)")
    # the S3 settings source lists buckets (s3:ListAllMyBuckets), which this policy still grants
    assert probes["s3"].ok


def test_rejected_credentials_deny_every_call(moto, monkeypatch):
    config = estate(moto)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIANOTAREALKEY00000")
    moto.set_auth(0)
    result = preflight(config, PERIOD)
    assert {p.status for p in result.sources} == {"denied"}
    codes = {c.code for p in result.sources for c in p.failed}
    assert codes <= {"InvalidClientTokenId", "InvalidAccessKeyId", "SignatureDoesNotMatch"}, codes
    assert result.needed_actions() == []  # no policy fixes a key AWS does not know
    assert result.exit_code == 2


def test_everything_reachable_exits_0_and_the_trail_line_counts_the_days(moto, mlflow):
    config = estate(moto, mlflow.url, eks=True)
    result = preflight(config, PERIOD)
    assert result.ok and result.exit_code == 0, result.lines()
    assert [s.source for s in result.sources] == ["cloudtrail", "trails", "sagemaker", "cloudwatch", "iam", "s3",
                                                  "eks", "mlflow"]
    trail = by_source(result)["cloudtrail"]
    # the live seed writes log files on 2026-10-01, -15 and -31 only: 28 days without
    assert f"account {ACCOUNT} region {REGION}: no log files on 28 of 31 days: 2026-10-02, 2026-10-03" in \
        " ".join(trail.notes), trail.notes
    assert trail.notes[0] == "log files on every day so far in 0 of 1 account/region(s)"
    iam = by_source(result)["iam"]
    assert [c.what for c in iam.calls] == [f"account {ACCOUNT} region global GetAccountAuthorizationDetails"]
    assert by_source(result)["mlflow"].location == mlflow.url


def test_an_account_without_log_files_for_the_period_is_empty(moto):
    s3 = moto_client(moto.url, "s3", REGION)
    seed_trail_bucket(s3, accounts=[ACCOUNT], regions=[REGION])
    config = make_config(moto.url, {"cloudtrail": {"kind": "s3", "uri": f"s3://{TRAIL_BUCKET}/{TRAIL_PREFIX}"}},
                         accounts=[ACCOUNT], regions=[REGION])  # fmt: skip
    result = preflight(config, Period(2026, 7))  # the seed holds nothing in July
    trail = by_source(result)["cloudtrail"]
    assert trail.status == "empty" and result.exit_code == 2
    assert trail.empty == [f"account {ACCOUNT}: no log files for 2026-07 in any region"]
    assert "empty" in result.lines()[0] and "no log files for 2026-07" in result.lines()[0]


def test_an_mlflow_server_that_answers_and_a_closed_port(mlflow):
    config = make_config("http://127.0.0.1:1", {"mlflow": {"kind": "rest", "tracking_uri": mlflow.url}})
    assert by_source(preflight(config, PERIOD))["mlflow"].ok
    url = f"http://127.0.0.1:{closed_port()}"
    config = make_config("http://127.0.0.1:1", {"mlflow": {"kind": "rest", "tracking_uri": url}})
    result = preflight(config, PERIOD)
    probe = by_source(result)["mlflow"]
    assert probe.status == "unreachable" and result.exit_code == 2
    assert f"{url}: cannot connect" in result.lines()[0] and "Connection refused" in result.lines()[0]


def test_an_aws_endpoint_that_refuses_connections_is_unreachable(moto):
    config = make_config(f"http://127.0.0.1:{closed_port()}", {"trails": {"kind": "aws"}},
                         accounts=[ACCOUNT], regions=[REGION], max_attempts=1)  # fmt: skip
    probe = by_source(preflight(config, PERIOD))["trails"]
    assert probe.status == "unreachable"
    assert "EndpointConnectionError" in probe.failed[0].detail and REGION in probe.failed[0].detail


def test_a_files_source_whose_folder_is_missing(tmp_path):
    config = make_config("http://127.0.0.1:1", {"iam": {"kind": "files", "path": str(tmp_path / "gone")}})
    probe = by_source(preflight(config, PERIOD))["iam"]
    assert probe.status == "error" and f"{tmp_path / 'gone'}: directory not found" in probe.failed[0].detail


@pytest.mark.parametrize("extra, code", [("", 0), ("closed", 2)])
def test_the_command_prints_one_line_per_source_and_exits_0_or_2(tmp_path, extra, code):
    sample = load_config(None)
    cfg = tmp_path / "c.toml"
    body = re.sub(r'^path = "([^"]+)"', lambda m: f'path = "{REPO / "sample_data" / m[1]}"',
                  (REPO / "sample_data" / "auditreport.toml").read_text(), flags=re.M)  # the copy reads the sample
    if extra == "closed":
        body = re.sub(r'(\[sources\.mlflow\]\n)kind = "files"\npath = "[^"]+"',
                      rf'\1kind = "rest"\ntracking_uri = "http://127.0.0.1:{closed_port()}"', body)
    cfg.write_text(body)
    r = subprocess.run([sys.executable, "-m", "auditreport.cli", "preflight", "--config", str(cfg)],
                       capture_output=True, text=True, timeout=120)  # fmt: skip
    assert r.returncode == code, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == len(sample.sources) + 1 and lines[-1].startswith("preflight 2026-10: 8 source(s)")
    assert "Traceback" not in r.stderr
    if code:
        assert lines[-1].endswith("7 ok, 1 unreachable")


def test_a_reader_role_the_credentials_may_not_assume_is_named_with_sts_assume_role(moto, monkeypatch):
    config = make_config(moto.url, {"trails": {"kind": "aws"}}, accounts=[ACCOUNT], regions=[REGION],
                         role_arn="arn:aws:iam::{account}:role/AuditReportReader")  # fmt: skip
    user_with(moto, monkeypatch, policy_without("sts:AssumeRole"))
    probe = by_source(preflight(config, PERIOD))["trails"]
    (call,) = probe.failed
    assert probe.status == "denied" and call.code == "AccessDenied" and probe.needed_actions() == ["sts:AssumeRole"]
    assert call.line().startswith(f"role arn:aws:iam::{ACCOUNT}:role/AuditReportReader: account {ACCOUNT} region "
                                  f"{REGION} AssumeRole: AccessDenied"), call.line()
    assert call.line().endswith("(needs sts:AssumeRole)")
