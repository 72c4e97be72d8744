"""load/iam.py: principals, and every statement of the policies that apply to them: inline and attached managed
(default version), documents decoded whether JSON or URL-encoded; a managed policy whose document was not captured
yields one ``document-not-captured`` row so that no check can read it as clean."""

from __future__ import annotations

import json
from urllib.parse import quote

from auditreport.load.iam import IamLoader

from .support import capture, load, put, rows

ACCT = "111122223333"
MANAGED = f"arn:aws:iam::{ACCT}:policy/ml-registry-write"
AWS_MANAGED = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"


def _url(doc: dict) -> str:
    return quote(json.dumps(doc))


def _estate(root):
    capture(root)
    put(root, ACCT, "global", "iam", "GetAccountAuthorizationDetails", {
        "RoleDetailList": [{
            "RoleName": "ml-training", "Arn": f"arn:aws:iam::{ACCT}:role/ml-training", "Path": "/",
            "CreateDate": "2026-01-05T10:00:00+00:00",
            "AssumeRolePolicyDocument": _url({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                             "Principal": {"Service": "sagemaker.amazonaws.com"}}]}),
            "RolePolicyList": [{"PolicyName": "inline-s3", "PolicyDocument": {
                "Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}}],
            "AttachedManagedPolicies": [{"PolicyName": "ml-registry-write", "PolicyArn": MANAGED},
                                        {"PolicyName": "AmazonSageMakerFullAccess", "PolicyArn": AWS_MANAGED}],
            "Tags": [{"Key": "team", "Value": "ml"}]}],
        "UserDetailList": [{
            "UserName": "carol", "Arn": f"arn:aws:iam::{ACCT}:user/carol", "GroupList": ["ml-approvers"],
            "UserPolicyList": [{"PolicyName": "deny-delete", "PolicyDocument": _url({"Statement": [
                {"Sid": "NoDelete", "Effect": "Deny", "NotAction": ["iam:Get*"], "NotResource": "arn:x",
                 "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}]})}]}],
        "GroupDetailList": [{"GroupName": "ml-approvers", "Arn": f"arn:aws:iam::{ACCT}:group/ml-approvers"}],
        "Policies": [{"PolicyName": "ml-registry-write", "Arn": MANAGED, "PolicyVersionList": [
            {"VersionId": "v1", "IsDefaultVersion": False, "Document": {"Statement": [
                {"Sid": "Old", "Effect": "Allow", "Action": "*", "Resource": "*"}]}},
            {"VersionId": "v2", "IsDefaultVersion": True, "Document": _url({"Statement": [
                {"Sid": "Registry", "Effect": "Allow", "Action": ["sagemaker:CreateModelPackage",
                                                                  "sagemaker:UpdateModelPackage"], "Resource": "*"}]})},
        ]}],
    })


def _statements(con):
    return rows(con, """SELECT principal_name, policy_kind, policy_name, policy_arn, statement_index, sid, effect,
                               actions, not_actions, resources, not_resources, condition
                        FROM iam_policy_statements ORDER BY principal_name, policy_kind, policy_name""")


def test_inline_and_attached_managed_statements_of_each_principal(tmp_path, con, lake_root):
    _estate(tmp_path / "iam")
    load(IamLoader(), tmp_path / "iam", con, lake_root)
    got = {(r["principal_name"], r["policy_name"]): r for r in _statements(con)}
    inline = got[("ml-training", "inline-s3")]
    assert (inline["policy_kind"], inline["policy_arn"], inline["effect"]) == ("inline", None, "Allow")
    # a single Statement object and string Action/Resource become JSON arrays
    assert json.loads(inline["actions"]) == ["s3:*"] and json.loads(inline["resources"]) == ["*"]
    managed = got[("ml-training", "ml-registry-write")]
    assert (managed["policy_kind"], managed["policy_arn"], managed["sid"]) == ("managed", MANAGED, "Registry")
    assert json.loads(managed["actions"]) == ["sagemaker:CreateModelPackage", "sagemaker:UpdateModelPackage"]
    assert "Old" not in {r["sid"] for r in got.values()}  # only the default version applies


def test_url_encoded_documents_are_decoded(tmp_path, con, lake_root):
    _estate(tmp_path / "iam")
    load(IamLoader(), tmp_path / "iam", con, lake_root)
    deny = next(r for r in _statements(con) if r["policy_name"] == "deny-delete")
    assert (deny["principal_name"], deny["sid"], deny["effect"]) == ("carol", "NoDelete", "Deny")
    assert json.loads(deny["not_actions"]) == ["iam:Get*"] and json.loads(deny["not_resources"]) == ["arn:x"]
    assert json.loads(deny["condition"]) == {"Bool": {"aws:MultiFactorAuthPresent": "false"}}
    [role] = rows(con, "SELECT * FROM iam_principals WHERE principal_type = 'role'")
    assert json.loads(role["assume_role_policy"])["Statement"][0]["Principal"] == {"Service": "sagemaker.amazonaws.com"}
    assert json.loads(role["attached_managed_policy_arns"]) == [MANAGED, AWS_MANAGED]
    assert json.loads(role["tags"]) == {"team": "ml"} and str(role["create_date"]) == "2026-01-05 10:00:00"


def test_a_managed_policy_whose_document_was_not_captured_yields_a_document_not_captured_row(tmp_path, con,
                                                                                             lake_root):
    _estate(tmp_path / "iam")
    load(IamLoader(), tmp_path / "iam", con, lake_root)
    [row] = [r for r in _statements(con) if r["policy_arn"] == AWS_MANAGED]
    assert row["sid"] == "document-not-captured" and row["policy_name"] == "AmazonSageMakerFullAccess"
    assert row["effect"] is None and row["statement_index"] is None and row["actions"] is None


def test_principals_of_every_kind(tmp_path, con, lake_root):
    _estate(tmp_path / "iam")
    load(IamLoader(), tmp_path / "iam", con, lake_root)
    got = rows(con, "SELECT principal_type, principal_name, group_names FROM iam_principals ORDER BY 1")
    assert [(r["principal_type"], r["principal_name"]) for r in got] == [
        ("group", "ml-approvers"), ("role", "ml-training"), ("user", "carol")]
    assert json.loads(got[2]["group_names"]) == ["ml-approvers"]
