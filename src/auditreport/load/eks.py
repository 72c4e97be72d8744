"""EKS DescribeCluster snapshots -> ``eks_clusters``."""

from __future__ import annotations

from pathlib import Path

from .snapshot import SnapshotLoader, SnapshotRead, SnapshotReader, as_dict, as_list, parse_time


def _enabled_types(logging: dict) -> list[str]:
    """The log types of every clusterLogging entry with enabled true, in order, each once."""
    out: list[str] = []
    for entry in as_list(logging.get("clusterLogging", [])):
        entry = as_dict(entry)
        if entry.get("enabled") is True:
            for t in as_list(entry.get("types", [])):
                if not isinstance(t, str):
                    raise TypeError("logging.clusterLogging[].types holds a value that is not a string")
                if t not in out:
                    out.append(t)
    return out


def _bool(v, where: str) -> bool | None:
    if v is None or isinstance(v, bool):
        return v
    raise TypeError(f"{where} is not a boolean")


def read_eks(root: Path, run_id: str) -> SnapshotRead:
    rd = SnapshotReader("eks", root, run_id)
    cap = rd.captured_at()
    for acct, region, name, path in rd.operation_files("eks", "DescribeCluster"):
        body = rd.read_json(path)
        with rd.each(path):
            if body is None:
                continue
            c = as_dict(body.get("cluster"))
            logging = c.get("logging")
            enabled = _enabled_types(as_dict(logging)) if logging is not None else None
            vpc = as_dict(c.get("resourcesVpcConfig") or {})
            rd.result.add("eks_clusters", {
                "account_id": acct, "region": region, "cluster_name": c.get("name") or name,
                "cluster_arn": c.get("arn"), "status": c.get("status"), "version": c.get("version"),
                "platform_version": c.get("platformVersion"), "created_at": parse_time(c.get("createdAt")),
                "enabled_log_types": enabled, "audit_logging_enabled": None if enabled is None else "audit" in enabled,
                "endpoint_public_access": _bool(vpc.get("endpointPublicAccess"), "endpointPublicAccess"),
                "endpoint_private_access": _bool(vpc.get("endpointPrivateAccess"), "endpointPrivateAccess"),
                "public_access_cidrs": vpc.get("publicAccessCidrs"), "logging": logging, "captured_at": cap,
                "source_key": rd.key(path), "record_index": None, "ingest_run_id": run_id,
            })  # fmt: skip
    return rd.result


class EksLoader(SnapshotLoader):
    source = "eks"
    service = "eks"

    def read(self, root: Path, run_id: str) -> SnapshotRead:
        return read_eks(root, run_id)
