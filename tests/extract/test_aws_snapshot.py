"""Trails, SageMaker, CloudWatch Logs, IAM and S3 settings from a real (moto) server, 2 accounts x 2 regions.

What moto cannot show, and so these tests do not claim:
- moto fakes ``CreatedBy`` / ``LastModifiedBy`` of model packages (a fixed fake user profile); CloudTrail is the
  authoritative record of who approved, and the loader must not trust these fields.
- moto lacks ``UpdateEndpoint``: an endpoint cannot be moved to a new config here, so "the endpoint now serves
  another model" is shown by a second endpoint, not by an update.
- moto stamps every CreationTime/LastModifiedTime with the wall clock; history cannot be back-dated.
- moto (like AWS) rejects log events older than 14 days, so log events are seeded around "now", in a period that
  contains now, not in the fixed test period.
- moto omits PolicyName and PolicyId from GetAccountAuthorizationDetails' Policies list (AWS returns them).
- moto's DescribeEndpoint, like AWS's, does not name the variant's model: the model comes from the config.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import pytest

from auditreport.errors import SourceError
from auditreport.period import Period
from live_seed import (ACCOUNTS, REGIONS, ROLE_PATTERN, extractor, make_config, make_ctx, read_json, seed_buckets,
                       seed_iam, seed_logs, seed_sagemaker, seed_trails)
from servers import moto_client

def multi(url: str, sources: dict, **aws):
    return make_config(url, sources, accounts=ACCOUNTS, regions=REGIONS, role_arn=ROLE_PATTERN, **aws)


def test_trails_keep_shadow_trails_and_read_status_and_selectors_in_the_home_region(moto, tmp_path, aws_calls):
    moto_client(moto.url, "s3", account=ACCOUNTS[0]).create_bucket(
        Bucket="org-trail-logs", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    for a in ACCOUNTS:
        seed_trails({r: moto_client(moto.url, "cloudtrail", r, a) for r in REGIONS}, a)
    cfg, ctx = multi(moto.url, {"trails": {"kind": "aws"}}), make_ctx(tmp_path / "raw")
    with aws_calls.recording():
        out = extractor(cfg, "trails").extract(ctx)
    assert out.errors == [] and out.root == tmp_path / "raw" / "trails" and out.kind == "aws"
    for a in ACCOUNTS:
        eu = read_json(out.root / a / "eu-west-1" / "cloudtrail" / "DescribeTrails.json")
        us = read_json(out.root / a / "us-east-1" / "cloudtrail" / "DescribeTrails.json")
        assert [t["Name"] for t in eu["trailList"]] == ["org-trail"]
        # the multi-region trail shows in us-east-1 as a shadow trail (HomeRegion eu-west-1): kept as AWS returns it
        assert sorted(t["Name"] for t in us["trailList"]) == ["local-trail", "org-trail"]
        for region in REGIONS:
            d = out.root / a / region / "cloudtrail"
            assert read_json(d / "GetTrailStatus" / "org-trail.json")["IsLogging"] is True
            sel = read_json(d / "GetEventSelectors" / "org-trail.json")
            assert sel["TrailARN"] == f"arn:aws:cloudtrail:eu-west-1:{a}:trail/org-trail"
            assert sel["AdvancedEventSelectors"][0]["Name"] == "management"
        local = read_json(out.root / a / "us-east-1" / "cloudtrail" / "GetEventSelectors" / "local-trail.json")
        assert local["EventSelectors"][0]["ReadWriteType"] == "WriteOnly"
        assert read_json(out.root / a / "us-east-1" / "cloudtrail" / "GetTrailStatus" / "local-trail.json")[
            "IsLogging"] is False
    # selectors of a trail are asked by ARN, in its home region, once per account
    sel_calls = aws_calls.of("GetEventSelectors")
    assert {(c[2], c[3]["TrailName"].rsplit(":", 2)[1]) for c in sel_calls} == {
        ("eu-west-1", a) for a in ACCOUNTS} | {("us-east-1", a) for a in ACCOUNTS}
    assert all(c[3]["TrailName"].startswith("arn:aws:cloudtrail:") for c in sel_calls)
    assert len(sel_calls) == 2 * len(ACCOUNTS)
    capture = read_json(out.root / "_capture.json")
    datetime.fromisoformat(capture["captured_at"])
    assert len(capture["scopes"]) == 4 and all(s["captured"] for s in capture["scopes"])


def test_sagemaker_registry_endpoints_and_the_deployment_chain(moto, tmp_path):
    seeded = {}
    for a in ACCOUNTS:
        for r in REGIONS:
            seeded[(a, r)] = seed_sagemaker(moto_client(moto.url, "sagemaker", r, a), a, r)
    out = extractor(multi(moto.url, {"sagemaker": {"kind": "aws"}}), "sagemaker").extract(make_ctx(tmp_path / "raw"))
    assert out.errors == []
    for (a, r), arns in seeded.items():
        d = out.root / a / r / "sagemaker"
        packages = {p.name: read_json(p) for p in (d / "DescribeModelPackage").iterdir()}
        assert set(packages) == {f"{quote('fraud-detector/' + str(v), safe='')}.json" for v in (1, 2, 3)}
        status = {p["ModelPackageVersion"]: p["ModelApprovalStatus"] for p in packages.values()}
        assert status == {1: "Approved", 2: "Rejected", 3: "PendingManualApproval"}
        assert all(p["ModelPackageArn"].split(":")[4] == a for p in packages.values())  # isolated per account
        assert all(p["CustomerMetadataProperties"]["ticket"].startswith("ML-") for p in packages.values())
        assert datetime.fromisoformat(next(iter(packages.values()))["CreationTime"]).tzinfo is not None

        # endpoint -> config -> model -> package
        ep = read_json(d / "DescribeEndpoint" / "fraud-prod.json")
        cfg = read_json(d / "DescribeEndpointConfig" / f"{ep['EndpointConfigName']}.json")
        model_name = cfg["ProductionVariants"][0]["ModelName"]
        model = read_json(d / "DescribeModel" / f"{model_name}.json")
        assert model["Containers"][0]["ModelPackageName"] == arns["Approved"]
        # a config deleted after deployment: kept as evidence, not an error
        gone = read_json(d / "DescribeEndpointConfig" / "scratch-config.json")
        assert gone["Error"]["Code"] == "ValidationException"
        # the model of the deleted config cannot be known, and an undeployed model is not read
        assert not (d / "DescribeModel" / "scratch-model.json").exists()


def test_a_deleted_endpoint_does_not_linger_in_the_next_snapshot(moto, tmp_path):
    sm = moto_client(moto.url, "sagemaker", "eu-west-1")
    seed_sagemaker(sm, "123456789012", "eu-west-1")
    cfg = make_config(moto.url, {"sagemaker": {"kind": "aws"}}, regions=["eu-west-1"])
    first = extractor(cfg, "sagemaker").extract(make_ctx(tmp_path / "raw"))
    account = "123456789012"  # moto's default account: no [aws].accounts means "the account of the credentials"
    endpoint = first.root / account / "eu-west-1" / "sagemaker" / "DescribeEndpoint" / "scratch-endpoint.json"
    assert endpoint.is_file()
    sm.delete_endpoint(EndpointName="scratch-endpoint")
    extractor(cfg, "sagemaker").extract(make_ctx(tmp_path / "raw", run_id="run-2"))
    assert not endpoint.exists()
    assert (first.root / account / "eu-west-1" / "sagemaker" / "DescribeEndpoint" / "fraud-prod.json").is_file()
    assert not list((tmp_path / "raw").glob(".sagemaker*"))  # no staging leftovers


def test_cloudwatch_log_groups_of_every_ml_prefix_and_events_bounded_to_the_period(moto, tmp_path, aws_calls):
    now = datetime.now(timezone.utc)
    period = Period((now - timedelta(hours=1)).year, (now - timedelta(hours=1)).month)
    logs = moto_client(moto.url, "logs", "eu-west-1")
    logs.create_log_group(logGroupName="/aws/sagemaker/Endpoints/fraud-prod")
    logs.put_retention_policy(logGroupName="/aws/sagemaker/Endpoints/fraud-prod", retentionInDays=400)
    logs.create_log_group(logGroupName="/ml/training")  # no retention: never expires
    logs.create_log_group(logGroupName="/app/web")  # not an ML group
    logs.create_log_stream(logGroupName="/ml/training", logStreamName="job-1")
    start_ms = int(period.start.replace(tzinfo=timezone.utc).timestamp() * 1000)
    now_ms = int(now.timestamp() * 1000)
    inside = [now_ms - 3_600_000, now_ms - 60_000]
    outside = []
    if start_ms - 1 > now_ms - 13 * 86_400_000:  # the period's start is recent enough for moto to accept events
        inside.append(start_ms)
        outside.append(start_ms - 1)
    logs.put_log_events(logGroupName="/ml/training", logStreamName="job-1", logEvents=[
        {"timestamp": t, "message": f"at {t}"} for t in sorted(inside + outside)])

    cfg = make_config(moto.url, {"cloudwatch": {"kind": "aws", "log_group_prefixes": ["/ml/"],
                                                "event_log_groups": ["/ml/training", "/ml/absent"]}},
                      regions=["eu-west-1"])
    ctx = make_ctx(tmp_path / "raw", period=period)
    with aws_calls.recording():
        out = extractor(cfg, "cloudwatch").extract(ctx)

    d = out.root / "123456789012" / "eu-west-1" / "logs"
    groups = {g["logGroupName"]: g for g in read_json(d / "DescribeLogGroups.json")["logGroups"]}
    # policy.ml_log_group_prefixes (/aws/sagemaker/) AND the source's prefixes (/ml/): the checks need all ML groups
    assert set(groups) == {"/aws/sagemaker/Endpoints/fraud-prod", "/ml/training"}
    assert groups["/aws/sagemaker/Endpoints/fraud-prod"]["retentionInDays"] == 400
    assert "retentionInDays" not in groups["/ml/training"]
    events = read_json(d / "FilterLogEvents" / f"{quote('/ml/training', safe='')}.json")["events"]
    assert sorted(e["timestamp"] for e in events) == sorted(inside)
    call = aws_calls.of("FilterLogEvents")[0][3]
    assert call["startTime"] == start_ms
    assert call["endTime"] == int(period.end.replace(tzinfo=timezone.utc).timestamp() * 1000) - 1  # [start, end)
    # a configured event group that exists nowhere is missing evidence: the source is partial
    assert out.errors == ["log group /ml/absent (sources.cloudwatch.event_log_groups) exists in none of the "
                          "accounts and regions"]


def test_cloudwatch_in_every_account_and_region(moto, tmp_path):
    for a in ACCOUNTS:
        for r in REGIONS:
            seed_logs(moto_client(moto.url, "logs", r, a))
    cfg = multi(moto.url, {"cloudwatch": {"kind": "aws", "log_group_prefixes": ["/ml/"]}})
    out = extractor(cfg, "cloudwatch").extract(make_ctx(tmp_path / "raw"))
    assert out.errors == []
    for a in ACCOUNTS:
        for r in REGIONS:
            body = read_json(out.root / a / r / "logs" / "DescribeLogGroups.json")
            assert [g["logGroupName"] for g in body["logGroups"]] == ["/aws/sagemaker/Endpoints/fraud-prod",
                                                                      "/ml/training"]
            assert all(f":{a}:" in g["logGroupArn"] and f":{r}:" in g["logGroupArn"] for g in body["logGroups"])


def test_iam_authorization_details_merged_per_account(moto, tmp_path, aws_calls):
    for a in ACCOUNTS:
        seed_iam(moto_client(moto.url, "iam", "us-east-1", a), a)
    with aws_calls.recording():
        out = extractor(multi(moto.url, {"iam": {"kind": "aws"}}), "iam").extract(make_ctx(tmp_path / "raw"))
    assert out.errors == [] and "regions" not in out.location
    for a in ACCOUNTS:
        body = read_json(out.root / a / "global" / "iam" / "GetAccountAuthorizationDetails.json")
        assert set(body) == {"UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"}
        role = next(r for r in body["RoleDetailList"] if r["RoleName"] == "ml-training")
        assert role["Arn"] == f"arn:aws:iam::{a}:role/ml-training"
        assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "sagemaker.amazonaws.com"}
        assert role["RolePolicyList"][0]["PolicyDocument"]["Statement"][0]["Action"] == "s3:*"  # JSON, not a string
        assert [p["PolicyName"] for p in role["AttachedManagedPolicies"]] == ["ml-registry-write"]
        # moto omits PolicyName/PolicyId in Policies (AWS returns them): match on the ARN
        policy = next(p for p in body["Policies"] if p["Arn"] == f"arn:aws:iam::{a}:policy/ml-registry-write")
        assert policy["PolicyVersionList"][0]["Document"]["Statement"][0]["Sid"] == "Registry"
        assert [u["UserName"] for u in body["UserDetailList"]] == ["carol"]
        assert body["UserDetailList"][0]["GroupList"] == ["ml-approvers"]
    filters = {tuple(c[3]["Filter"]) for c in aws_calls.of("GetAccountAuthorizationDetails")}
    assert filters == {("User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy")}


def test_s3_bucket_settings_read_in_the_owning_account(moto, tmp_path):
    buckets = seed_buckets(moto_client(moto.url, "s3", account=ACCOUNTS[1]))
    log_archive = "333333333333"  # owns the trail bucket, and is not one of the audited accounts
    moto_client(moto.url, "s3", account=log_archive).create_bucket(
        Bucket="org-trail-logs", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    cfg = multi(moto.url, {"s3": {"kind": "aws", "buckets": [*buckets, "nobody-owns-this"]},
                           "cloudtrail": {"kind": "s3", "uri": "s3://org-trail-logs/cloudtrail",
                                          "bucket_account": log_archive}})
    out = extractor(cfg, "s3").extract(make_ctx(tmp_path / "raw"))

    def body(account, operation, bucket):
        return read_json(out.root / account / "global" / "s3" / operation / f"{bucket}.json")

    b = ACCOUNTS[1]
    assert body(b, "GetBucketVersioning", "ml-datasets") == {"Status": "Enabled"}
    assert body(b, "GetBucketLifecycleConfiguration", "ml-datasets")["Rules"][0]["ID"] == "expire-old"
    assert body(b, "GetBucketVersioning", "ml-scratch") == {"Status": "Suspended"}
    no_lock = body(b, "GetObjectLockConfiguration", "ml-scratch")
    assert no_lock["Error"]["Code"] == "ObjectLockConfigurationNotFoundError"
    assert body(b, "GetBucketLifecycleConfiguration", "ml-scratch")["Error"]["Code"] == "NoSuchLifecycleConfiguration"
    assert body(b, "GetPublicAccessBlock", "ml-scratch")["Error"]["Code"] == "NoSuchPublicAccessBlockConfiguration"
    lock = body(b, "GetObjectLockConfiguration", "ml-audit-locked")["ObjectLockConfiguration"]
    assert lock["ObjectLockEnabled"] == "Enabled" and lock["Rule"]["DefaultRetention"]["Mode"] == "COMPLIANCE"
    assert body(b, "GetPublicAccessBlock", "ml-audit-locked")["PublicAccessBlockConfiguration"]["BlockPublicAcls"]
    # the trail bucket is read too, in its own (log-archive) account, without being listed in sources.s3.buckets
    assert body(log_archive, "GetBucketVersioning", "org-trail-logs") == {}
    assert not (out.root / ACCOUNTS[0] / "global" / "s3" / "GetBucketVersioning" / "ml-datasets.json").exists()
    assert out.errors == ["bucket nobody-owns-this: owned by none of the accounts read (ListBuckets); "
                          "add its account to [aws].accounts"]


def test_one_unreachable_account_makes_the_source_partial_and_all_unreachable_makes_it_fail(moto, tmp_path):
    """Without a role pattern the tool may only read the account of its credentials (moto's 123456789012): another
    configured account is a failed scope, named in one line."""
    seed_sagemaker(moto_client(moto.url, "sagemaker", "eu-west-1"), "123456789012", "eu-west-1")
    cfg = make_config(moto.url, {"sagemaker": {"kind": "aws"}}, accounts=["123456789012", "999999999999"],
                      regions=["eu-west-1"])
    out = extractor(cfg, "sagemaker").extract(make_ctx(tmp_path / "raw"))
    assert out.errors == ["account 999999999999: the credentials belong to account 123456789012; "
                          "set [aws].role_arn to read other accounts"]
    assert (out.root / "123456789012" / "eu-west-1" / "sagemaker" / "DescribeEndpoint" / "fraud-prod.json").is_file()
    scopes = read_json(out.root / "_capture.json")["scopes"]
    assert [s["captured"] for s in scopes] == [True, False]

    cfg = make_config(moto.url, {"sagemaker": {"kind": "aws"}}, accounts=["999999999999"], regions=["eu-west-1"])
    with pytest.raises(SourceError) as e:
        extractor(cfg, "sagemaker").extract(make_ctx(tmp_path / "raw2"))
    assert e.value.source == "sagemaker" and "999999999999" in str(e.value)
