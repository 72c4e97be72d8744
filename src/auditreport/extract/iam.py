"""IAM: GetAccountAuthorizationDetails per account (source ``iam``)."""

from __future__ import annotations

from ..raw import GLOBAL_REGION
from .aws_snapshot import AwsSnapshotExtractor, SnapshotRun, paginate
from .probe import Probe

_IAM_LISTS = ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies")


class IamExtractor(AwsSnapshotExtractor):
    """GetAccountAuthorizationDetails for all five kinds, every page merged into one body per account."""

    name = "iam"
    service = "iam"
    global_scope = True
    probe_call = Probe("iam", "GetAccountAuthorizationDetails", {"Filter": ["Role"], "MaxItems": 1})

    def capture(self, run: SnapshotRun, account: str, region: str, notes: list[str]) -> None:
        iam = run.sessions.client("iam", account, region)
        body: dict[str, list] = {k: [] for k in _IAM_LISTS}
        for page in paginate(iam, "get_account_authorization_details",
                             Filter=["User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy"]):
            for k in _IAM_LISTS:
                body[k] += page.get(k, [])
        run.write(account, GLOBAL_REGION, "iam", "GetAccountAuthorizationDetails", body)
