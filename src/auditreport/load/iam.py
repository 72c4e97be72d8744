"""IAM authorization details -> ``iam_principals`` and ``iam_policy_statements`` (inline and attached managed policies)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote

from .snapshot import SnapshotLoader, SnapshotRead, SnapshotReader, as_list, parse_time


def _doc(d):
    """IAM returns policy documents URL-encoded on the wire; boto3 decodes them. Accept both."""
    if isinstance(d, str):
        try:
            return json.loads(unquote(d))
        except json.JSONDecodeError:
            return None
    return d


def _as_list(v):
    if v is None:
        return None
    return v if isinstance(v, list) else [v]


def read_iam(root: Path, run_id: str) -> SnapshotRead:
    rd = SnapshotReader("iam", root, run_id)
    cap = rd.captured_at()
    for acct, _, _, path in rd.operation_files("iam", "GetAccountAuthorizationDetails"):
        body = rd.read_json(path)
        with rd.each(path):
            if body is None:
                continue
            key = rd.key(path)
            managed = {}
            for p in body.get("Policies", []):
                default = next((v for v in p.get("PolicyVersionList", []) if v.get("IsDefaultVersion")), None)
                managed[p.get("Arn")] = (p.get("PolicyName"), _doc(default.get("Document")) if default else None)
            kinds = [
                ("user", "UserDetailList", "UserName", "UserPolicyList"),
                ("role", "RoleDetailList", "RoleName", "RolePolicyList"),
                ("group", "GroupDetailList", "GroupName", "GroupPolicyList"),
            ]
            # record_index counts principals across the three lists (users, roles, groups, in that order), so that
            # (source_key, record_index) names one principal of the file
            principals = [(kind, p) for kind in kinds for p in as_list(body.get(kind[1], []))]
            for i, ((ptype, list_key, name_key, inline_key), pr) in enumerate(principals):
                arn = pr.get("Arn")
                attached = [a.get("PolicyArn") for a in pr.get("AttachedManagedPolicies", [])]
                rd.result.add("iam_principals", {
                    "account_id": acct, "principal_type": ptype, "principal_name": pr.get(name_key),
                    "principal_arn": arn, "path": pr.get("Path"), "create_date": parse_time(pr.get("CreateDate")),
                    "assume_role_policy": _doc(pr.get("AssumeRolePolicyDocument")),
                    "attached_managed_policy_arns": attached, "group_names": pr.get("GroupList"),
                    "tags": {t["Key"]: t.get("Value") for t in pr.get("Tags", [])}, "captured_at": cap,
                    "source_key": key, "record_index": i, "ingest_run_id": run_id,
                })  # fmt: skip
                base = {"account_id": acct, "principal_type": ptype, "principal_name": pr.get(name_key),
                        "principal_arn": arn, "captured_at": cap, "source_key": key, "record_index": i,
                        "ingest_run_id": run_id}  # fmt: skip
                for ip in pr.get(inline_key, []):
                    _statements(rd, base, "inline", ip.get("PolicyName"), None, _doc(ip.get("PolicyDocument")))
                for a in pr.get("AttachedManagedPolicies", []):
                    name, doc = managed.get(a.get("PolicyArn"), (None, None))
                    name = name or a.get("PolicyName")
                    _statements(rd, base, "managed", name, a.get("PolicyArn"), doc)
    return rd.result


def _statements(rd: SnapshotReader, base: dict, kind: str, name, arn, doc) -> None:
    row = {**base, "policy_kind": kind, "policy_name": name, "policy_arn": arn}
    if not isinstance(doc, dict):
        # attached but its document was not captured: one row with no effect, so no check can read it as clean
        rd.result.add("iam_policy_statements", {**row, "statement_index": None, "sid": "document-not-captured"})
        return
    stmts = doc.get("Statement")
    for i, s in enumerate(_as_list(stmts) or []):
        rd.result.add("iam_policy_statements", {
            **row, "statement_index": i, "sid": s.get("Sid"), "effect": s.get("Effect"),
            "actions": _as_list(s.get("Action")), "not_actions": _as_list(s.get("NotAction")),
            "resources": _as_list(s.get("Resource")), "not_resources": _as_list(s.get("NotResource")),
            "condition": s.get("Condition"),
        })  # fmt: skip


class IamLoader(SnapshotLoader):
    source = "iam"
    service = "iam"

    def read(self, root: Path, run_id: str) -> SnapshotRead:
        return read_iam(root, run_id)
