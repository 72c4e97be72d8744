"""EksExtractor against a real (moto) server: every cluster of every account and region, described.

What moto shows and where it falls short: CreateCluster and DescribeCluster round-trip the cluster's name, version,
endpoint access and the ``logging`` section it was given (a cluster created without one reads as every log type
disabled, as AWS). moto replaces the whole logging section on UpdateClusterConfig where AWS merges it per log type,
and it neither creates the log group /aws/eks/<cluster>/cluster nor writes audit events to it: the audit events are
proven from files (tests/load/test_eks_audit.py) and the log group's capture is the cloudwatch source's.
"""

from __future__ import annotations

from live_seed import ACCOUNTS, REGIONS, extractor, make_config, make_ctx, multi_account_config, read_json, seed_eks
from servers import moto_client

from auditreport.load.eks import read_eks


def test_every_cluster_is_described_with_its_logging_and_loads(moto, tmp_path, aws_calls):
    eks = moto_client(moto.url, "eks", "eu-west-1")
    seed_eks(eks)
    cfg = make_config(moto.url, {"eks": {"kind": "aws"}}, regions=["eu-west-1"])
    with aws_calls.recording():
        out = extractor(cfg, "eks").extract(make_ctx(tmp_path / "raw"))
    assert out.errors == []
    d = out.root / "123456789012" / "eu-west-1" / "eks" / "DescribeCluster"
    assert sorted(p.name for p in d.iterdir()) == ["ml-serving.json", "sandbox.json"]
    body = read_json(d / "ml-serving.json")["cluster"]
    assert body["name"] == "ml-serving" and body["version"] == "1.30"
    assert {op for _, op in aws_calls.operations()} >= {"ListClusters", "DescribeCluster"}

    rows = {r["cluster_name"]: r for r in read_eks(out.root, "run-1").rows["eks_clusters"]}
    assert rows["ml-serving"]["audit_logging_enabled"] is True
    assert rows["ml-serving"]["enabled_log_types"] == ["api", "audit"]
    assert rows["sandbox"]["audit_logging_enabled"] is False  # created with every log type disabled
    assert rows["ml-serving"]["endpoint_public_access"] is False


def test_eks_in_every_account_and_region(moto, tmp_path):
    for a in ACCOUNTS:
        for r in REGIONS:
            seed_eks(moto_client(moto.url, "eks", r, a))
    out = extractor(multi_account_config(moto.url, {"eks": {"kind": "aws"}}), "eks").extract(make_ctx(tmp_path / "raw"))
    assert out.errors == []
    for a in ACCOUNTS:
        for r in REGIONS:
            assert (out.root / a / r / "eks" / "DescribeCluster" / "ml-serving.json").is_file()


def test_with_the_eks_source_the_cloudwatch_source_captures_the_audit_log_of_the_policy_clusters(moto, tmp_path):
    """The audit events travel through the cloudwatch source's FilterLogEvents capture: moto does not write them, so
    they are put into the log group EKS would create (moto, like AWS, refuses events older than 14 days: the period
    is the one holding now)."""
    import json
    from datetime import datetime, timedelta, timezone

    from auditreport.load.cloudwatch import read_cloudwatch
    from auditreport.period import Period

    when = datetime.now(timezone.utc) - timedelta(hours=1)  # inside the period, whatever the time of the month
    period = Period(when.year, when.month)
    logs = moto_client(moto.url, "logs", "eu-west-1")
    for group in ("/aws/eks/ml-serving/cluster", "/aws/eks/sandbox/cluster"):
        logs.create_log_group(logGroupName=group)
        logs.create_log_stream(logGroupName=group, logStreamName="kube-apiserver-audit-0a1b")
    logs.put_retention_policy(logGroupName="/aws/eks/ml-serving/cluster", retentionInDays=400)
    event = {"kind": "Event", "apiVersion": "audit.k8s.io/v1", "auditID": "a-1", "stage": "ResponseComplete",
             "verb": "create", "user": {"username": "alice"}, "responseStatus": {"code": 101},
             "objectRef": {"resource": "pods", "subresource": "exec", "namespace": "models", "name": "p-1"},
             "requestReceivedTimestamp": when.isoformat()}
    for group in ("/aws/eks/ml-serving/cluster", "/aws/eks/sandbox/cluster"):
        logs.put_log_events(logGroupName=group, logStreamName="kube-apiserver-audit-0a1b", logEvents=[
            {"timestamp": int(when.timestamp() * 1000), "message": json.dumps(event)}])

    cfg = make_config(moto.url, {"cloudwatch": {"kind": "aws"}, "eks": {"kind": "aws"}}, regions=["eu-west-1"])
    cfg.policy.eks_clusters = ["ml-serving"]
    out = extractor(cfg, "cloudwatch").extract(make_ctx(tmp_path / "raw", period=period))
    assert out.errors == []
    logs_dir = out.root / "123456789012" / "eu-west-1" / "logs"
    described = [g["logGroupName"] for g in read_json(logs_dir / "DescribeLogGroups.json")["logGroups"]]
    assert described == ["/aws/eks/ml-serving/cluster", "/aws/eks/sandbox/cluster"]  # retention of every cluster's
    # only the policy's cluster has its events read
    assert [p.name for p in (logs_dir / "FilterLogEvents").iterdir()] == ["%2Faws%2Feks%2Fml-serving%2Fcluster.json"]
    [row] = read_cloudwatch(out.root, "run-1").rows["eks_audit_events"]
    assert (row["cluster_name"], row["verb"], row["subresource"], row["response_code"]) == ("ml-serving", "create",
                                                                                           "exec", 101)
