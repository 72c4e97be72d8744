"""EKS clusters: ListClusters and DescribeCluster per account and region (source ``eks``)."""

from __future__ import annotations

from .aws_session import AWS_ERRORS, error_code, error_line
from .aws_snapshot import AwsSnapshotExtractor, SnapshotRun, paginate
from .probe import Probe


class EksExtractor(AwsSnapshotExtractor):
    """Every cluster of every account and region: DescribeCluster (its logging setup, version and endpoint access),
    one file per cluster. A cluster deleted between the listing and the describe is skipped with a note."""

    name = "eks"
    service = "eks"
    probe_call = Probe("eks", "ListClusters", {"maxResults": 1})

    def capture(self, run: SnapshotRun, account: str, region: str, notes: list[str]) -> None:
        eks = run.sessions.client("eks", account, region)
        names: list[str] = []
        for page in paginate(eks, "list_clusters"):
            names += page.get("clusters", [])
        for name in sorted(set(names)):
            try:
                body = eks.describe_cluster(name=name)
            except AWS_ERRORS as e:
                if error_code(e) == "ResourceNotFoundException":
                    notes.append(f"EKS cluster {name} in {account}/{region} was deleted while it was read: not captured")
                    continue
                notes.append(f"EKS cluster {name}: " + error_line(e, account, region, "DescribeCluster"))
                continue
            run.write(account, region, "eks", "DescribeCluster", body, ident=name)
