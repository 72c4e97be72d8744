"""IamExtractor against a real (moto) server: GetAccountAuthorizationDetails, every page merged, one body per account.

moto omits PolicyName and PolicyId from GetAccountAuthorizationDetails' Policies list (AWS returns them).
"""

from __future__ import annotations

from live_seed import ACCOUNTS, extractor, make_ctx, multi_account_config, read_json, seed_iam
from servers import moto_client

def test_iam_authorization_details_merged_per_account(moto, tmp_path, aws_calls):
    for a in ACCOUNTS:
        seed_iam(moto_client(moto.url, "iam", "us-east-1", a), a)
    with aws_calls.recording():
        out = extractor(multi_account_config(moto.url, {"iam": {"kind": "aws"}}), "iam").extract(make_ctx(tmp_path / "raw"))
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
