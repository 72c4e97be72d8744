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
