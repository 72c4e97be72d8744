"""load/eks.py: DescribeCluster files -> eks_clusters (enabled log types, audit on or off, endpoint access); a file
of the wrong shape is quarantined alone and the other clusters load."""

from __future__ import annotations

from auditreport.load.eks import EksLoader

from .support import capture, load, put, rows

ACCT = "111122223333"


def _cluster(name: str, logging) -> dict:
    c = {"name": name, "arn": f"arn:aws:eks:eu-west-1:{ACCT}:cluster/{name}", "version": "1.30", "status": "ACTIVE",
         "createdAt": "2026-03-02T10:00:00+00:00", "platformVersion": "eks.9",
         "resourcesVpcConfig": {"endpointPublicAccess": True, "endpointPrivateAccess": False,
                                "publicAccessCidrs": ["0.0.0.0/0"]}}
    if logging is not None:
        c["logging"] = logging
    return {"cluster": c}


def test_clusters_with_their_audit_logging(tmp_path, con, lake_root):
    root = tmp_path / "aws"
    capture(root)
    put(root, ACCT, "eu-west-1", "eks", "DescribeCluster", _cluster("ml-serving", {"clusterLogging": [
        {"types": ["api", "audit"], "enabled": True}, {"types": ["scheduler"], "enabled": False}]}), ident="ml-serving")
    put(root, ACCT, "eu-west-1", "eks", "DescribeCluster", _cluster("batch", {"clusterLogging": [
        {"types": ["api", "audit", "authenticator"], "enabled": False}]}), ident="batch")
    put(root, ACCT, "eu-west-1", "eks", "DescribeCluster", _cluster("bare", None), ident="bare")
    put(root, ACCT, "eu-west-1", "eks", "DescribeCluster", {"cluster": {"name": "odd", "logging": {
        "clusterLogging": [{"types": "audit", "enabled": True}]}}}, ident="odd")
    result = load(EksLoader(), root, con, lake_root)
    assert result.objects_quarantined == 1
    got = {r["cluster_name"]: r for r in rows(con, "SELECT * FROM eks_clusters")}
    assert set(got) == {"ml-serving", "batch", "bare"}
    assert got["ml-serving"]["audit_logging_enabled"] is True
    assert got["ml-serving"]["enabled_log_types"] == '["api", "audit"]'
    assert got["batch"]["audit_logging_enabled"] is False and got["batch"]["enabled_log_types"] == "[]"
    assert got["bare"]["audit_logging_enabled"] is None  # no logging section: unproven, not off
    assert got["ml-serving"]["endpoint_public_access"] is True and got["ml-serving"]["version"] == "1.30"
    assert got["ml-serving"]["source_key"] == f"{ACCT}/eu-west-1/eks/DescribeCluster/ml-serving.json"
    [q] = rows(con, "SELECT * FROM quarantine")
    assert (q["source"], q["reason"]) == ("eks", "unexpected_shape")
    assert q["object_key"].endswith("DescribeCluster/odd.json") and "expected a JSON list" in q["detail"]
